import { randomBytes } from 'node:crypto';
import { shellQuote } from './shell/quote.js';

/** Where managed servers keep Orchestra's per-run markers. */
export const RUN_STATE_DIR = '/var/lib/orchestra/runs';

/**
 * What every exec does once before its wrapped scripts (src/orchestration/claim-script.ts: once per claim, not once
 * per script): the marker directory made, markers older than 30 days removed. Not per script: `find` reads the whole
 * directory, four files per run ever made on the server.
 */
export function runStatePrelude(): string {
  const dir = shellQuote(RUN_STATE_DIR);
  return ['umask 077', `mkdir -p ${dir}`, `find ${dir} -type f -mtime +30 -delete 2>/dev/null || true`, ''].join('\n');
}

/**
 * Wraps a stored script so that it runs to completion at most once per run id on the server, however often the
 * activity is retried: a retry after a worker crash waits (flock) for a still-running earlier attempt, then finds its
 * exit code and reports it (and replays its output) instead of running again. The script is read by its bash from a
 * here-document on its own descriptor (no file to write and remove: two processes fewer per script) and runs with
 * stdin closed, so no command in it that reads stdin can read the rest of the script.
 * `prepared`: the exec already ran runStatePrelude(); otherwise the wrapper starts with it.
 */
export function wrapRunOnce(runId: string, uid: string, script: string, opts: { prepared?: boolean } = {}): string {
  if (!/^\d+$/.test(runId)) throw new Error(`bad run id ${runId}`);
  if (!/^[0-9a-f-]{36}$/.test(uid)) throw new Error(`bad run uid ${uid}`);
  let delimiter: string;
  do delimiter = `ORCHESTRA_SCRIPT_${randomBytes(12).toString('hex')}`;
  while (script.includes(delimiter));
  const base = `${shellQuote(RUN_STATE_DIR)}/${uid}`;
  return [
    '#!/bin/bash',
    `# Orchestra run ${runId}: runs the script below at most once to completion on this server.`,
    'set -u',
    ...(opts.prepared ? ['umask 077'] : [runStatePrelude().trimEnd()]),
    `exec 9>${base}.lock`,
    'flock 9',
    `if [ -e ${base}.exit ]; then`,
    `  cat ${base}.out 2>/dev/null; cat ${base}.err >&2 2>/dev/null`,
    `  echo "orchestra: run ${runId} already ran to completion in an earlier attempt (exit $(cat ${base}.exit))" >&2`,
    `  exit "$(cat ${base}.exit)"`,
    'fi',
    'rc=0',
    // The script's output goes to the channel through tee -p, which outlives the channel: if the connection drops
    // (the worker was killed), the script runs on to its real end instead of dying of SIGPIPE at its next echo, which
    // the marker would then keep as its exit code (141), and every retry would report as a FAILURE. A copy of the
    // output is kept for the retry to replay. (Found by the worker-crash test.)
    `exec 3> >(tee -p -a ${base}.out); out_pid=$!`,
    `exec 4> >(tee -p -a ${base}.err >&2); err_pid=$!`,
    'umask 022',
    `bash /dev/fd/5 </dev/null >&3 2>&4 3>&- 4>&- 5<<'${delimiter}' || rc=$?`,
    script.endsWith('\n') ? script.slice(0, -1) : script,
    delimiter,
    'exec 3>&- 4>&-',
    'wait "$out_pid" "$err_pid" 2>/dev/null',
    `echo "$rc" > ${base}.exit`,
    'exit "$rc"',
    '',
  ].join('\n');
}
