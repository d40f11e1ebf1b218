/** Pure parts of the collector: how a transaction's changes collapse into one action per object. */
import { expect, test } from '@jest/globals';
import { collapseChanges, type Change } from '../src/orchestration/collector/change.js';

const change = (id: string, kind: Change['kind'], fields: string[] = []): Change => ({ model: 'SystemUser', id, kind, fields, entity: { id } });

test('saves after saves are one save with every field written', () => {
  expect(collapseChanges([change('1', 'update', ['shell']), change('1', 'update', ['home'])])).toEqual([
    { model: 'SystemUser', id: '1', action: 'save', entity: { id: '1' }, fields: ['shell', 'home'] },
  ]);
});

test('a delete wins over earlier saves', () => {
  expect(collapseChanges([change('1', 'update', ['shell']), change('1', 'delete')]).map((c) => c.action)).toEqual(['delete']);
});

test('created and deleted in the same transaction: nothing reached a server, nothing to do', () => {
  expect(collapseChanges([change('1', 'create'), change('1', 'update', ['shell']), change('1', 'delete')])).toEqual([]);
});

test('a create counts every field; objects keep their first-seen order', () => {
  const result = collapseChanges([change('2', 'create'), change('1', 'update', ['isActive']), change('2', 'update', ['home'])]);
  expect(result.map((c) => [c.id, c.action, c.fields])).toEqual([['2', 'save', ['*', 'home']], ['1', 'save', ['isActive']]]);
});
