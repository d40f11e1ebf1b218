import { setupDescriptionSchema } from './setup-description.js';

/** Where the JSON Schema of set-up descriptions is published in the repository (written by `npm run schema:emit`). */
export const SETUP_SCHEMA_FILE = 'docs/account-setup.schema.json';

export function setupSchemaText(): string {
  return `${JSON.stringify(setupDescriptionSchema(), null, 2)}\n`;
}
