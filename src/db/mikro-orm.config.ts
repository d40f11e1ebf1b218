// Entry for the MikroORM CLI (migration:create). Reads DATABASE_URL only; nothing else is needed to diff the schema.
import { ormOptions } from './orm-config.js';

export default ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres:password@127.0.0.1:5432/orchestra');
