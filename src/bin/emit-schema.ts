// Writes schema.graphql from the resolvers (sorted), for codegen and review. CI checks it is not stale.
import 'reflect-metadata';
import { createSchema } from '../schema/build-schema.js';

await createSchema(process.argv[2] ?? 'schema.graphql');
console.log(`wrote ${process.argv[2] ?? 'schema.graphql'}`);
