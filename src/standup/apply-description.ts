import { Account } from '../entities/accounts/account.js';
import { AccountType } from '../entities/accounts/account-type.js';
import { createAccount, updateAccount } from '../accounts/account.use-cases.js';
import { UserErrorCode, UserInputError, userErrorsOf } from '../errors/user-input-error.js';
import { toGlobalId } from '../schema/relay/global-id.js';
import type { DatabaseSettings } from '../services/databases/database-settings.js';
import type { UseCase } from '../use-cases/use-case.js';
import { setupSectionList } from './sections/index.js';
import type { SetupContext, SetupSection } from './setup-section.js';
import { validateDescription } from './validate-description.js';

const FIELD = 'input.description';

/**
 * Runs one use-case call for an item; a refusal is reported on the item's path in the description
 * (`input.description.crontabs[1].command`), whatever field the use case named.
 */
async function onItem<T>(path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const errors = userErrorsOf(err);
    if (!errors) throw err;
    throw new UserInputError(errors.map((e) => ({ ...e, field: `${path}.${e.field.replace(/^input\./, '')}` })));
  }
}

/** Items by natural key; the same key twice is refused (which one would win?). */
function keyed(section: SetupSection, items: Record<string, unknown>[], ctx: SetupContext): Map<string, { item: Record<string, unknown>; path: string }> {
  const byKey = new Map<string, { item: Record<string, unknown>; path: string }>();
  for (const [i, item] of items.entries()) {
    const path = `${FIELD}.${section.kind}[${i}]`;
    const key = section.keyOf(item, ctx);
    if (byKey.has(key)) throw new UserInputError(path, `is the same object as ${byKey.get(key)!.path}`, UserErrorCode.TAKEN);
    byKey.set(key, { item, path });
  }
  return byKey;
}

/**
 * Brings an account and its services in line with a set-up description, in the caller's one transaction, through
 * the services' own use cases (so the collector plans exactly the operations the equivalent mutations would, and
 * nothing for what is already as described: applying the same description twice changes nothing the second time).
 * Order: the account; then each listed kind's creates and updates in dependency order; then the deletes of what a
 * listed kind no longer lists, in the reverse order (a database before the users it named).
 */
export async function applyDescription(uc: UseCase, input: unknown, databases: DatabaseSettings): Promise<Account> {
  const description = validateDescription(input, FIELD);
  const wanted = description.account;
  let account = await uc.em.findOne(Account, { username: wanted.username });
  const accountFields = {
    type: wanted.type === undefined ? null : AccountType[wanted.type],
    language: wanted.language ?? null,
    shortName: wanted.shortName ?? null,
    fullName: wanted.fullName ?? null,
  };
  account = account
    ? await onItem(`${FIELD}.account`, () => updateAccount(uc, { id: toGlobalId('Account', account!.id), ...accountFields }))
    : await onItem(`${FIELD}.account`, () => createAccount(uc, { username: wanted.username, ...accountFields, password: wanted.password ?? null }));
  const ctx: SetupContext = { uc, account, databases };
  const listed = setupSectionList().filter((s) => Array.isArray(description[s.kind]));
  const unlisted: { section: SetupSection; objects: unknown[] }[] = [];
  for (const section of listed) {
    const items = keyed(section, description[section.kind] as Record<string, unknown>[], ctx);
    const current = await section.current(ctx);
    for (const [key, { item, path }] of items) {
      const existing = current.get(key);
      await onItem(path, () => (existing === undefined ? section.create(ctx, item) : section.update(ctx, item, existing)));
    }
    unlisted.push({ section, objects: [...current].filter(([key, o]) => !items.has(key) && !section.keeps?.(o)).map(([, o]) => o) });
  }
  for (const { section, objects } of unlisted.reverse()) {
    for (const object of objects) await onItem(`${FIELD}.${section.kind}`, () => section.remove(ctx, object));
  }
  await uc.em.flush();
  return account;
}
