import { shellQuote } from './shell/quote.js';

/** Where managed servers keep Orchestra's per-run markers and the exec logs their output is replayed from. */
export const RUN_STATE_DIR = '/var/lib/orchestra/runs';

/**
 * The run-once guarantee, for the sections of one exec (src/orchestration/claim-script.ts): each stored script runs
 * to completion at most once per run uid on the server, however often its claim is retried; a retry after a worker
 * crash waits for a still-running earlier attempt, then reports the exit code it recorded and replays its output
 * instead of running it again.
 *
 * How, with as few processes per section as possible (issue 17, session 10: per section only the script's own `bash`;
 * before, five: a subshell, `flock`, two `tee -p`, the `bash`):
 * - Output: the exec's stdout and stderr go, once per exec, through a `tee -p` each into the exec's logs
 *   (`exec-<nonce>.out`/`.err`). `tee -p` outlives a dropped channel, so a script whose worker was killed runs on to
 *   its real end instead of dying of SIGPIPE at its next echo (which would be kept as its exit code, 141); the logs
 *   hold every section's output between its begin and end markers, which is where a retry replays it from (with
 *   bash builtins only: `.ran` names the log, nonce and section of the run's first attempt).
 * - Exclusion: one `flock` per exec on the server's lock (`server-<id>.lock`), taken when the first section starts
 *   (so its timeout covers the wait, as it did per section). A run belongs to one server, so two attempts of it
 *   always take the same lock; the earlier exec holds it until it ends, and it ends after its section running once
 *   its worker is gone (no more words on stdin). The scripts and the tees do not inherit the lock's descriptor, so a
 *   daemon a script starts never holds it.
 * - The exit code goes to `<uid>.exit` once the script ended; a run with one is replayed, never run again.
 */
export interface RunOnceExec {
  /** The exec's logs, lock, and its functions (`replay`, `run_once`, `finish`): once, before the first section. */
  start: string;
  /**
   * Runs (or replays) a section's script, which the caller has read into `$script`, for the arguments `runOnceArgs`
   * gave (in a function called with them); leaves its exit code in `$rc` and its marker in `<uid>.exit`.
   */
  section: string;
}

/**
 * Ends an exec the run-once wrapper started (a function `start` defines): its output closed and written out by the
 * tees, exit 0.
 */
export const FINISH_EXEC = 'finish';

/** The words `section` reads as its arguments: the section's index, its run's id and uid (checked: they reach bash bare). */
export function runOnceArgs(index: number, runId: string, uid: string): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bad section index ${index}`);
  if (!/^\d+$/.test(runId)) throw new Error(`bad run id ${runId}`);
  if (!/^[0-9a-f-]{36}$/.test(uid)) throw new Error(`bad run uid ${uid}`);
  return `${index} ${runId} ${uid}`;
}

export function runOnceExec(serverId: string, nonce: string): RunOnceExec {
  if (!/^\d+$/.test(serverId)) throw new Error(`bad server id ${serverId}`);
  if (!/^[a-z0-9-]+$/.test(nonce)) throw new Error(`bad exec nonce ${nonce}`);
  const dir = shellQuote(RUN_STATE_DIR);
  const start = [
    'umask 077',
    // Lengths in bytes: the worker sends each script with its length in bytes (read -N, ${#…}).
    'LC_ALL=C',
    // Builtins first: a process per exec is CPU per claim (issue 17), and the directory exists after the first one.
    `[ -d ${dir} ] || mkdir -p ${dir}`,
    // Markers and logs older than 30 days are pruned by the server's first exec of the day (a day's marker, made by
    // bash's own clock: no process), not by every exec: \`find\` reads the whole directory.
    "printf -v today '%(%Y%m%d)T' -1",
    `[ -e ${dir}/pruned-"$today" ] || { find ${dir} -type f -mtime +30 -delete 2>/dev/null; : > ${dir}/pruned-"$today"; }`,
    // A run's output as its first attempt printed it: the lines of log $1 between section $3's markers of nonce $2.
    `replay() { local line on='' sep=''; while IFS= read -r line || [ -n "$line" ]; do`,
    `  if [ -z "$on" ]; then [ "$line" = "$2:begin:$3" ] && on=1; continue; fi`,
    `  case $line in "$2:end:$3:"*) break;; esac; printf '%s%s' "$sep" "$line"; sep=$'\\n'; done < "$1"; }`,
    `log=${dir}/exec-${nonce}`,
    `exec 4> >(tee -p -a "$log.err" >&2); err_pid=$!`,
    `exec 3> >(tee -p -a "$log.out"); out_pid=$!`,
    'exec 1>&3 2>&4 3>&- 4>&-',
    `exec 9>${dir}/server-${serverId}.lock`,
    'locked=',
    // The last script is emptied: scripts are kept on the server only while they run.
    `${FINISH_EXEC}() { [ ! -e "$log.sh" ] || : > "$log.sh"; exec 1>&- 2>&-; wait "$out_pid" "$err_pid" 2>/dev/null; exit 0; }`,
    // run_once SECTION RUN UID, the script in $script.
    'run_once() {',
    `  local base=${dir}/"$3" ran_log ran_nonce ran_index`,
    '  [ -n "$locked" ] || { flock 9; locked=1; }',
    // A first attempt by a worker from before session 10 took a lock of its own per run: wait for it too.
    '  [ ! -e "$base.lock" ] || flock 8 8<"$base.lock"',
    '  if [ -e "$base.exit" ]; then',
    '    if [ -e "$base.ran" ]; then read -r ran_log ran_nonce ran_index < "$base.ran"',
    '      replay "$ran_log.out" "$ran_nonce" "$ran_index"; replay "$ran_log.err" "$ran_nonce" "$ran_index" >&2',
    // Markers of a first attempt by a worker before session 10 (per-run output copies).
    '    else cat "$base.out" 2>/dev/null; cat "$base.err" >&2 2>/dev/null; fi',
    '    read -r rc < "$base.exit"',
    '    echo "orchestra: run $2 already ran to completion in an earlier attempt (exit $rc)" >&2',
    '  else',
    `    echo "$log ${nonce} $1" > "$base.ran"`,
    // The script is a file of its own (read in blocks by its bash; from a pipe bash reads a byte per system call),
    // read with stdin closed (no command in it can read the exec's words) and without the lock's descriptor. Its bash
    // is named after the run (`ps`, `pgrep -f <uid>` find it); `exec` in the subshell: no process more.
    `    printf '%s' "$script" > "$log.sh"`,
    '    rc=0',
    '    (umask 022; exec -a "orchestra-run-$3" bash "$log.sh") </dev/null 9>&- || rc=$?',
    '    echo "$rc" > "$base.exit"',
    '  fi',
    '}',
  ].join('\n');
  return { start, section: 'run_once "$1" "$2" "$3"' };
}
