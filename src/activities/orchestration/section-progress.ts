import { saveRunProgress } from '../../orchestration/run-store.js';
import type { Em } from './claim-attempt.js';
import type { ClaimExec } from './claim-exec.js';

/**
 * Saves the output of the section running so far (one statement, only if it printed something since), and its start
 * the first time a tick finds it still running: stuck operations are found by it.
 */
export function saveSectionProgress(em: Em, exec: ClaimExec): void {
  const section = exec.running >= 0 ? exec.sections[exec.running] : undefined;
  const start = section && !section.run.startedAt && !section.startSaved ? { startedAt: section.beganAt } : {};
  if (!section || (!section.dirty && !('startedAt' in start))) return;
  section.dirty = false;
  section.startSaved = true;
  const saved = { stdout: section.stdout.text(), stderr: section.stderr.text() };
  void saveRunProgress(em.fork(), section.run.id, { ...saved, ...start, heartbeatAt: new Date() }).catch(() => undefined);
}
