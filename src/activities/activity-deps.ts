import type { Client } from '@temporalio/client';
import type { Orm } from '../db/orm.js';
import type { ScriptRunner } from '../orchestration/ssh/index.js';
import type { OutgoingMailSettings } from '../config/outgoing-mail-settings.js';

/** What activities may use. Passed in by the worker (no globals), so tests can hand in a test database. */
export interface ActivityDeps {
  orm: Orm;
  workerIdentity: string;
  /** Runs scripts on servers (the SSH pool in production). */
  runner: ScriptRunner;
  /** For activities that start or signal workflows (the relay waking server queues). */
  temporal: Client;
  taskQueue: string;
  /** Where Orchestra's own e-mail goes (limit notices, bills). */
  mail: OutgoingMailSettings;
}
