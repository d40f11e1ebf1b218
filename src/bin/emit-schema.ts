// Writes schema.graphql from the resolvers (sorted), for codegen and review, and the JSON Schema of account set-up
// descriptions (docs/account-setup.schema.json). CI checks both are not stale.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { createSchema } from '../schema/build-schema.js';
import { SETUP_SCHEMA_FILE, setupSchemaText } from '../standup/setup-schema-file.js';

await createSchema(process.argv[2] ?? 'schema.graphql');
console.log(`wrote ${process.argv[2] ?? 'schema.graphql'}`);
await writeFile(SETUP_SCHEMA_FILE, setupSchemaText());
console.log(`wrote ${SETUP_SCHEMA_FILE}`);
