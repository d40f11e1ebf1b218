import type { Context } from '@temporalio/activity';
import type { Orm } from '../../db/orm.js';
import type { ScriptRunner } from '../../orchestration/ssh/index.js';
import type { ExecChain } from './exec-chain.js';

export type Em = ReturnType<Orm['em']['fork']>;

/** One attempt of the runScript activity: who it is, for the guards that keep a stale attempt from overwriting a newer one. */
export interface Attempt {
  ctx: Context;
  em: Em;
  runner: ScriptRunner;
  number: number;
  worker: string;
  /** The exec kept open between the attempt's claims (a queue's claim of a server and its following claims). */
  chain?: ExecChain;
}
