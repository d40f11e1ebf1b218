/**
 * The monitors Orchestra knows, by name: the one list a new monitor is added to (the mail and web issues add their
 * traffic and mailbox monitors here).
 */
import type { Monitor } from './monitor.js';
import { mariadbSizeMonitor, postgresqlSizeMonitor } from './database-size/database-size.monitor.js';
import { systemUserDiskMonitor } from './system-user-disk/system-user-disk.monitor.js';
import { mailboxDiskMonitor, mailTrafficMonitor } from './mail/mail.monitors.js';
import { apacheWebsiteTrafficMonitor, nginxWebsiteTrafficMonitor } from './website-traffic/website-traffic.monitor.js';

const monitors = new Map<string, Monitor>();

export function registerMonitor<T>(monitor: Monitor<T>): void {
  if (monitors.has(monitor.name)) throw new Error(`a monitor named ${monitor.name} is already registered`);
  monitors.set(monitor.name, monitor as unknown as Monitor);
}

/** For tests that register a monitor of their own. */
export function unregisterMonitor(name: string): void {
  monitors.delete(name);
}

registerMonitor(systemUserDiskMonitor);
registerMonitor(postgresqlSizeMonitor);
registerMonitor(mariadbSizeMonitor);
registerMonitor(mailboxDiskMonitor);
registerMonitor(mailTrafficMonitor);
registerMonitor(nginxWebsiteTrafficMonitor);
registerMonitor(apacheWebsiteTrafficMonitor);

export function findMonitor(name: string): Monitor | undefined {
  return monitors.get(name);
}

export function listMonitors(): Monitor[] {
  return [...monitors.values()];
}
