import type { GraphQLFieldResolver } from 'graphql';
import { recordAudit } from '../../audit/record-audit.js';
import { AuditOutcome } from '../../entities/audit/audit-entry.js';
import type { Context } from '../context.js';
import { actorOf } from '../orchestration/batch-operations.js';

/** Input fields whose values are secrets: their names may be recorded, never what was sent. */
const SECRET_FIELD = /password|secret|token/i;

type MutationArgs = { dryRun?: unknown; input?: Record<string, unknown> };

/**
 * Every mutation is in the audit log, whether it succeeded, was rejected (userErrors) or failed. Mutations that run
 * as use cases are recorded by the use case runner (as are changes from the CLI and schedules); this wrapper, put
 * around every mutation root field by the root-field guard (src/schema/root-field-guard.ts), records the others
 * (log-in, tokens) and any that failed before their use case ran, so none is missed. Only field names are stored,
 * never values. It runs on mutation root fields only: nothing below a root field is a change.
 */
export function auditMutation(resolve: GraphQLFieldResolver<unknown, Context, MutationArgs>): GraphQLFieldResolver<unknown, Context, MutationArgs> {
  return async (root, args, context, info) => {
    context.dryRun = args.dryRun === true;
    const attemptedUsername = typeof args.input?.username === 'string' ? String(args.input.username).slice(0, 32) : null;
    context.mutation = { name: info.fieldName, inputFields: inputFields(args.input), attemptedUsername };
    let outcome = AuditOutcome.ERROR;
    try {
      const result: unknown = await resolve(root, args, context, info);
      outcome = (result as { userErrors?: unknown[] })?.userErrors?.length ? AuditOutcome.REJECTED : AuditOutcome.OK;
      return result;
    } finally {
      const note = context.audit;
      if (!note.recorded) {
        const actor = actorOf(context);
        const operation = context.dryRun ? `${info.fieldName} (dry run)` : info.fieldName;
        await recordAudit(context.em.fork(), actor, operation, note, note.changedFields ?? context.mutation.inputFields, outcome);
      }
    }
  };
}

function inputFields(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  return Object.entries(input)
    .filter(([key, value]) => value !== undefined && key !== 'id' && key !== 'dryRun')
    .map(([key]) => (SECRET_FIELD.test(key) ? `${key} (secret)` : key));
}
