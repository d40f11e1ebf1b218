import { randomBytes } from 'node:crypto';
import { shellQuote } from './shell/quote.js';

/** Where managed servers keep Orchestra's per-run markers. */
export const RUN_STATE_DIR = '/var/lib/orchestra/runs';

/**
 * Wraps a stored script so that it runs to completion at most once per run id on the server, however often the
 * activity is retried: a retry after a worker crash waits (flock) for a still-running earlier attempt, then finds its
 * exit code and reports it instead of running again. The script is written to a file and run with stdin closed, so
 * no command in it can read the rest of the script. Markers older than 30 days are removed.
 */
export function wrapRunOnce(runId: string, uid: string, script: string): string {
  if (!/^\d+$/.test(runId)) throw new Error(`bad run id ${runId}`);
  if (!/^[0-9a-f-]{36}$/.test(uid)) throw new Error(`bad run uid ${uid}`);
  let delimiter: string;
  do delimiter = `ORCHESTRA_SCRIPT_${randomBytes(12).toString('hex')}`;
  while (script.includes(delimiter));
  const dir = shellQuote(RUN_STATE_DIR);
  const base = `${dir}/${uid}`;
  return [
    '#!/bin/bash',
    `# Orchestra run ${runId}: runs the script below at most once to completion on this server.`,
    'set -u',
    'umask 077',
    `mkdir -p ${dir}`,
    `exec 9>${base}.lock`,
    'flock 9',
    `if [ -e ${base}.exit ]; then`,
    `  echo "orchestra: run ${runId} already ran to completion in an earlier attempt (exit $(cat ${base}.exit))" >&2`,
    `  exit "$(cat ${base}.exit)"`,
    'fi',
    `find ${dir} -type f -mtime +30 -delete 2>/dev/null || true`,
    `cat > ${base}.sh <<'${delimiter}'`,
    script.endsWith('\n') ? script.slice(0, -1) : script,
    delimiter,
    'umask 022',
    'rc=0',
    `bash ${base}.sh </dev/null || rc=$?`,
    `echo "$rc" > ${base}.exit`,
    `rm -f ${base}.sh`,
    'exit "$rc"',
    '',
  ].join('\n');
}
