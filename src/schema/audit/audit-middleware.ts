import type { MiddlewareFn } from 'type-graphql';
import { Account } from '../../entities/accounts/account.js';
import { AuditEntry, AuditOutcome } from '../../entities/audit/audit-entry.js';
import type { Context } from '../context.js';

/** Input fields whose values are secrets: their names may be recorded, never what was sent. */
const SECRET_FIELD = /password|secret|token/i;

/**
 * Records every mutation in the audit log, whether it succeeded, was rejected (userErrors) or failed.
 * A global middleware, so no mutation can forget it. Only field names are stored, never values.
 */
export const auditMutations: MiddlewareFn<Context> = async ({ context, info, args }, next) => {
  if (info.parentType.name !== 'Mutation') return next();
  context.dryRun = args.dryRun === true;
  let outcome = AuditOutcome.ERROR;
  try {
    const result = await next();
    outcome = (result as { userErrors?: unknown[] })?.userErrors?.length ? AuditOutcome.REJECTED : AuditOutcome.OK;
    return result;
  } finally {
    const note = context.audit;
    const viewer = context.viewer;
    const attempted = typeof args.input?.username === 'string' ? String(args.input.username).slice(0, 32) : 'anonymous';
    const em = context.em.fork();
    // The account may not exist (a dry run or a failure rolled its creation back): keep its name, not the reference.
    const accountExists = note.accountId !== null && (await em.count(Account, { id: note.accountId }, { filters: false })) > 0;
    await em.insert(AuditEntry, {
      account: accountExists ? note.accountId : null,
      accountUsername: note.accountUsername,
      userId: viewer.kind === 'user' ? viewer.userId : null,
      actor: viewer.kind === 'user' ? viewer.username : attempted,
      apiTokenId: viewer.kind === 'user' ? viewer.apiTokenId : null,
      operation: context.dryRun ? `${info.fieldName} (dry run)` : info.fieldName,
      objectIds: note.objectIds,
      changedFields: note.changedFields ?? inputFields(args.input),
      outcome,
      clientAddress: context.request.clientAddress,
      userAgent: context.request.userAgent?.slice(0, 256) ?? null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  }
};

function inputFields(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  return Object.entries(input)
    .filter(([key, value]) => value !== undefined && key !== 'id' && key !== 'dryRun')
    .map(([key]) => (SECRET_FIELD.test(key) ? `${key} (secret)` : key));
}
