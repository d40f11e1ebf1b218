/**
 * The server queue workflow replays histories that workers of earlier releases wrote: a deploy must not fail the
 * queues running then (a nondeterminism error stops a queue until someone resets it). The fixture is a queue's
 * history from the release before claims became local activities (issue 17, session 10): claims as
 * `claimNextRun` activities, two claims of runScript, an idle wait, a wake, continue-as-new. It was recorded from a
 * real run of that release (orchestra harness, one host: an account, then a system user).
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../src/temporal/worker.js';

const FIXTURE = new URL('./fixtures/server-queue-history-activity-claims.binpb', import.meta.url);

test('a queue history with claims as activities (the release before) replays on this release without a nondeterminism error', async () => {
  const history = temporal.api.history.v1.History.decode(readFileSync(FIXTURE));
  const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  expect(scheduled).toEqual(['claimNextRun', 'runScript', 'claimNextRun', 'claimNextRun', 'runScript', 'claimNextRun']);
  await expect(Worker.runReplayHistory({ workflowBundle: await bundleWorkflows() }, history, 'server-queue-before-local-claims')).resolves.toBeUndefined();
}, 60_000);
