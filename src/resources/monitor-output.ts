/**
 * Parses a monitor script's stdout: one `<object id> <value>` line per object it measured. Only ids the run asked for
 * and non-negative decimal values are data; anything else (a stray message, a hostile name echoed back, an id of
 * another object, a second value for the same object) is recorded against the run as a malformed line and never
 * stored.
 */
export interface MonitorOutput {
  values: Map<string, number>;
  malformed: string[];
}

const LINE = /^([1-9][0-9]{0,18}) ([0-9]{1,20}(?:\.[0-9]{1,6})?)$/;
const MAX_KEPT_MALFORMED = 50;

export function parseMonitorOutput(stdout: string, expected: ReadonlySet<string>): MonitorOutput {
  const values = new Map<string, number>();
  const malformed: string[] = [];
  let more = 0;
  const reject = (line: string, why: string) => {
    if (malformed.length < MAX_KEPT_MALFORMED) malformed.push(`${why}: ${JSON.stringify(line.slice(0, 200))}`);
    else more++;
  };
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) reject(line, 'not "<object id> <value>"');
    else if (!expected.has(m[1]!)) reject(line, 'an object this run did not measure');
    else if (values.has(m[1]!)) reject(line, 'a second value for the object');
    else values.set(m[1]!, Number(m[2]));
  }
  if (more) malformed.push(`…and ${more} more`);
  return { values, malformed };
}
