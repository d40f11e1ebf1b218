/**
 * The README is the operator's manual: every environment variable Orchestra reads is named there, and its GraphQL
 * examples run as printed (the CLI line and `npm start` are run in clone-private-dir.test.ts).
 */
import { expect, test } from '@jest/globals';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Every variable the sources read: `env.NAME` (process.env or an alias) and the config reader's `r.kind('NAME'`. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(root, 'src', file), 'utf8');
    for (const match of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\br\.\w+\('([A-Z][A-Z0-9_]+)'/g)) names.add(match[1] ?? match[2]);
  }
  names.delete('PATH'); // the system's
  return names;
}

test('the README names every environment variable Orchestra reads', () => {
  const read = variablesRead();
  // The scan finds what it must: the production settings and npm start's own.
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ORCHESTRA_TOKEN_SECRET', 'EMBEDDED_PG_PORT']) expect(read).toContain(name);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect([...read].filter((name) => !readme.includes(`\`${name}\``)).sort()).toEqual([]);
});

test("the README's GraphQL examples are valid against the schema", () => {
  const schema = buildSchema(readFileSync(join(root, 'schema.graphql'), 'utf8'));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const problems: string[] = [];
  for (const block of blocks) {
    // A block may show several operations, each sent on its own: validate them one by one.
    for (const definition of parse(block).definitions) {
      const document = { kind: Kind.DOCUMENT, definitions: [definition] } as const;
      for (const error of validate(schema, document)) problems.push(`${error.message}\n  in: ${block.trim().split('\n')[0]}`);
    }
  }
  expect(problems).toEqual([]);
});
