/** What `serverStatus` reports about a managed server (the GraphQL `serverStatus` field). */
export interface ServerStatus {
  reachable: boolean;
  /** One trivial exec round trip on the pooled connection (channel open, exec, output, exit, close); connecting is not counted. */
  latencyMs: number | null;
  uptimeSeconds: number | null;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: [number, number, number] | null;
  /** Why it is not reachable (error name: message), e.g. `HostKeyMismatchError: …`. */
  error: string | null;
  /** The other host key the server presented, when that is why it is not reachable (recorded on the server). */
  changedHostKey?: { pinned: string; presented: string };
  checkedAt: string;
}

/** Fixed command: Linux keeps both figures in /proc, so no tool has to be installed on the server. */
export const STATUS_COMMAND = 'cat /proc/uptime /proc/loadavg';

/** Parses `/proc/uptime` ("12345.67 23456.78") followed by `/proc/loadavg` ("0.15 0.10 0.05 1/123 4567"). */
export function parseStatusOutput(stdout: string): Pick<ServerStatus, 'uptimeSeconds' | 'loadAverage'> {
  const [uptimeLine = '', loadLine = ''] = stdout.trim().split('\n');
  const uptime = Number(uptimeLine.split(' ')[0]);
  const loads = loadLine.split(' ').slice(0, 3).map(Number);
  return {
    uptimeSeconds: Number.isFinite(uptime) && uptimeLine ? uptime : null,
    loadAverage: loads.length === 3 && loads.every(Number.isFinite) ? [loads[0], loads[1], loads[2]] : null,
  };
}
