/**
 * Search attribute values fit Temporal's 2 KiB limit: a run carrying a server sync's thousand objects and accounts
 * (bench/databases.ts found it: the dev server terminated the server queue whose child workflow had a 13 KB
 * OrchestraObjects) gets the first ones and a count of the rest.
 */
import { expect, test } from '@jest/globals';
import { SEARCH_VALUE_MAX_BYTES, fittingKeywords, objectsSearchValue } from '../src/temporal/search-attributes.js';

test('few objects: all of them; many: as many as fit, and how many more', () => {
  expect(objectsSearchValue([{ model: 'Database', objectId: '1' }, { model: 'Database', objectId: '1' }, { model: 'Crontab', objectId: '7' }])).toBe('Database:1 Crontab:7');
  const value = objectsSearchValue(Array.from({ length: 1000 }, (_, i) => ({ model: 'Database', objectId: String(i + 1) })));
  expect(Buffer.byteLength(value)).toBeLessThanOrEqual(SEARCH_VALUE_MAX_BYTES);
  const [shown, count] = [value.split(' ').filter((w) => w.startsWith('Database:')).length, Number(/…\+(\d+) more$/.exec(value)![1])];
  expect(shown + count).toBe(1000);
  expect(value.startsWith('Database:1 Database:2 ')).toBe(true);
});

test('keyword lists the same way', () => {
  expect(fittingKeywords(['alice', 'bob'])).toEqual(['alice', 'bob']);
  const many = Array.from({ length: 1000 }, (_, i) => `account${i}`);
  const kept = fittingKeywords(many);
  expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(SEARCH_VALUE_MAX_BYTES);
  expect(kept.length - 1 + Number(/…\+(\d+) more$/.exec(kept.at(-1)!)![1])).toBe(1000);
});
