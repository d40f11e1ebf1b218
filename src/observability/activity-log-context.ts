import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withLogContext } from './log-context.js';

/** Every activity runs with its workflow and activity type in the log context (the activity adds its request id). */
export const activityLogContext: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: (input, next) =>
      withLogContext(
        { workflowId: ctx.info.workflowExecution?.workflowId, activity: ctx.info.activityType, attempt: String(ctx.info.attempt) },
        () => next(input),
      ),
  },
});
