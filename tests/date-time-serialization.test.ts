/**
 * DateTimeISO serialises a Date as toISOString did, through the cheaper writer (src/schema/date-time-serialization.ts),
 * and everything else exactly as graphql-scalars does: the same strings, the same errors.
 */
import { expect, test } from '@jest/globals';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import type { GraphQLScalarType, GraphQLSchema } from 'graphql';
import { createSchema } from '../src/schema/build-schema.js';
import { isoStringOf } from '../src/schema/date-time-serialization.js';

const YEAR_10000_MS = Date.UTC(10000, 0, 1);
// graphql-scalars' own serialize, taken before createSchema replaces the scalar's.
const ownSerialize = GraphQLDateTimeISO.serialize;
const graphqlScalarsSerialize = ownSerialize.bind(GraphQLDateTimeISO);

test('isoStringOf writes what toISOString writes, for edges of days, months, leap years and centuries', () => {
  const edges = [
    0, 1, 999, 1000, 59_999, 3_599_999, 86_399_999, 86_400_000,
    Date.UTC(1972, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(2000, 2, 1), Date.UTC(2100, 1, 28, 12),
    Date.UTC(2100, 2, 1), Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  ];
  for (const time of edges) expect(isoStringOf(new Date(time))).toBe(new Date(time).toISOString());
});

test('isoStringOf writes what toISOString writes for 100,000 random instants from 1970 to 9999', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const differing: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const date = new Date(Math.floor(random() * YEAR_10000_MS));
    if (isoStringOf(date) !== date.toISOString()) differing.push(`${isoStringOf(date)} for ${date.toISOString()}`);
  }
  expect(differing).toEqual([]);
});

test('isoStringOf leaves instants before 1970, from year 10000 on, and invalid dates to the scalar', () => {
  expect(isoStringOf(new Date(-1))).toBeNull();
  expect(isoStringOf(new Date(YEAR_10000_MS))).toBeNull();
  expect(isoStringOf(new Date(Number.NaN))).toBeNull();
});

test("the schema's DateTimeISO serialises as graphql-scalars' does: Dates, strings, numbers and their errors", async () => {
  const schema: GraphQLSchema = await createSchema();
  const scalar = schema.getType('DateTimeISO') as GraphQLScalarType;
  expect(scalar).toBe(GraphQLDateTimeISO);
  expect(scalar.serialize).not.toBe(ownSerialize); // the cheaper one is in place
  const outcome = (serialize: (value: unknown) => unknown, value: unknown) => {
    try {
      return { value: serialize(value) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  const values: unknown[] = [
    new Date('2026-01-01T00:00:00Z'), new Date('2026-11-29T23:14:52.123Z'), new Date(-86_400_000), new Date(YEAR_10000_MS),
    new Date(Number.NaN), '2026-11-29T23:14:52.123Z', '2026-11-29T23:14:52+02:00', 'not a date', 1_764_000_000_000, true, null,
  ];
  for (const value of values) expect(outcome((v) => scalar.serialize(v), value)).toEqual(outcome(graphqlScalarsSerialize, value));
  expect(scalar.serialize(new Date('2026-11-29T23:14:52.123Z'))).toBe('2026-11-29T23:14:52.123Z');
});
