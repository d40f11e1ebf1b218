// Loads TypeScript sources through swc, which emits the decorator metadata type-graphql and MikroORM need.
import { register } from 'node:module';
register('@swc-node/register/esm', import.meta.url);
