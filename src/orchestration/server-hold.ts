import type { EntityManager } from '@mikro-orm/postgresql';
import { RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import { Server } from '../entities/orchestration/server.js';

/**
 * Why nothing may run on a server now, or null: its host key was never trusted, or a connection or probe saw
 * another key than the trusted one. Both wait for an operator (trustServerHostKey), never for a timer.
 */
export function serverHold(server: Pick<Server, 'name' | 'hostKeyFingerprint' | 'hostKeyPresented' | 'hostKeyChangedAt'>): string | null {
  if (!server.hostKeyFingerprint) {
    return `waiting: the host key of server ${server.name} is not trusted yet; nothing runs there until an operator trusts it (trustServerHostKey)`;
  }
  if (server.hostKeyPresented) {
    const seen = server.hostKeyChangedAt ? ` at ${server.hostKeyChangedAt.toISOString()}` : '';
    return (
      `waiting: server ${server.name} presented another host key (${server.hostKeyPresented}${seen}) than the trusted one ` +
      `(${server.hostKeyFingerprint}); nothing runs there until an operator checks it and trusts a key again (trustServerHostKey)`
    );
  }
  return null;
}

/**
 * Records that a connection or probe (API or worker) saw `presented` where `pinned` is trusted. Only while that pin
 * is still the trusted one: a key trusted meanwhile is not undone by a late report about the old one.
 */
export async function recordHostKeyChange(em: EntityManager, serverId: string, pinned: string, presented: string): Promise<void> {
  await em.nativeUpdate(
    Server,
    { id: serverId, hostKeyFingerprint: pinned, $or: [{ hostKeyPresented: null }, { hostKeyPresented: { $ne: presented } }] },
    { hostKeyPresented: presented, hostKeyChangedAt: new Date() },
  );
}

/** Tells every script waiting for the server why (the operations show it as their run's `lastError`). */
export async function noteHoldOnWaitingRuns(em: EntityManager, serverId: string, reason: string): Promise<void> {
  await em.nativeUpdate(
    ScriptRun,
    { server: serverId, state: RunState.RECEIVED, $or: [{ lastError: null }, { lastError: { $ne: reason } }] },
    { lastError: reason },
    { filters: false },
  );
}
