import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Options } from '@mikro-orm/postgresql';
import { createOrm, type Orm } from '../../src/db/orm.js';

/** A database of this test file's own, cloned from the migrated template that global set-up made. */
export async function createTestDatabase(ormOptions: Partial<Options> = {}): Promise<{ url: string; orm: Orm; drop(): Promise<void> }> {
  const templateUrl = process.env.TEST_DATABASE_TEMPLATE_URL;
  if (!templateUrl) throw new Error('TEST_DATABASE_TEMPLATE_URL is not set: run the tests through jest (global set-up)');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(templateUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name} template orchestra_template`);
  await client.end();
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const orm = await createOrm(url.toString(), ormOptions);
  return {
    url: url.toString(),
    orm,
    async drop() {
      await orm.close(true);
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
