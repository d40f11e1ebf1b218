/**
 * What mailboxes get from configuration. Read from the environment like the rest of the configuration; loadConfig
 * (./config.ts) reports bad values at start, and the mailbox service module reads them through `mailSettings()` (the
 * collector, which builds snapshots, has no configuration object of its own).
 *
 * | variable | default |
 * | ORCHESTRA_MAILBOX_QUOTA | 1G: a mailbox's quota until the resources framework gives its disk allocation (bytes, or K/M/G) |
 * | ORCHESTRA_MAILBOX_TRASH_DIR | none: a deleted mailbox's mail is removed; else moved under this directory on the server |
 */
import { validateTrashDir } from '../orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';

export interface MailSettings {
  defaultQuotaBytes: number;
  trashDir: string | null;
}

type Env = Record<string, string | undefined>;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function readMailSettings(env: Env): { settings: MailSettings; problems: string[] } {
  const problems: string[] = [];
  let defaultQuotaBytes = UNITS.G!;
  const quota = env.ORCHESTRA_MAILBOX_QUOTA;
  if (quota) {
    const match = /^([1-9][0-9]{0,12})([KMGT]?)$/.exec(quota);
    const bytes = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
    if (!Number.isSafeInteger(bytes)) problems.push(`ORCHESTRA_MAILBOX_QUOTA must be a number of bytes (or with K, M, G, T), got "${quota}"`);
    else defaultQuotaBytes = bytes;
  }
  let trashDir: string | null = null;
  const trash = env.ORCHESTRA_MAILBOX_TRASH_DIR;
  if (trash) {
    const problem = validateTrashDir(trash);
    if (problem) problems.push(`ORCHESTRA_MAILBOX_TRASH_DIR ${problem}, got "${trash}"`);
    else trashDir = trash;
  }
  return { settings: { defaultQuotaBytes, trashDir }, problems };
}

let current: MailSettings | undefined;

/** The process's mail settings (read once; loadConfig has refused bad values before anything uses them). */
export function mailSettings(): MailSettings {
  current ??= readMailSettings(process.env).settings;
  return current;
}

/** For tests: settings to use instead of the environment's (undefined: read the environment again). */
export function setMailSettings(settings: MailSettings | undefined): void {
  current = settings;
}
