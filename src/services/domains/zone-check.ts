/**
 * The whole-zone check before a change commits: the zone, rendered exactly as the servers will get it, checked by
 * Debian's `named-checkzone` (bind9-utils, installed by scripts/setup.sh for the API) with the checks the master
 * runs too. Its messages become userErrors on the field of the record they are about.
 *
 * Decisions:
 * - `-i local`: integrity checks only for names inside the zone (an in-zone NS or MX target must have an address);
 *   nothing is looked up on the network. `-k fail`: host names that break RFC 952/1123 (an A record on `_x`) fail.
 *   `-n fail -m fail -M fail -S fail`: NS/MX/SRV targets that are addresses or CNAMEs fail.
 * - A message names a line of the zone file (mapped to the record written there) or a name in quotes (mapped to
 *   the record that targets it). The record being changed gets the message on its own field; another record of
 *   the zone is named in the message (its id, owner, type and value), on `otherField`; a default record likewise.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from '../../entities/dns/domain.js';
import { UserErrorCode, UserInputError, type UserError } from '../../errors/user-input-error.js';
import { targetOf } from '../../orchestration/backends/dns/dns-record.js';
import { renderZone, type ZoneContent, type ZoneRecord } from '../../orchestration/backends/dns/zone.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { buildZone } from './zone-builder.js';

const execFileAsync = promisify(execFile);

export const NAMED_CHECKZONE_OPTIONS = ['-i', 'local', '-k', 'fail', '-n', 'fail', '-m', 'fail', '-M', 'fail', '-S', 'fail'];

/** Runs named-checkzone on a zone file's text; null when it loads, else its messages. */
export async function namedCheckzone(origin: string, text: string): Promise<string[] | null> {
  const dir = await mkdtemp(join(tmpdir(), 'orchestra-zone-'));
  const file = join(dir, 'zone');
  try {
    await writeFile(file, text);
    await execFileAsync('named-checkzone', [...NAMED_CHECKZONE_OPTIONS, '--', origin, file], { maxBuffer: 16 << 20 });
    return null;
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err; // not installed, or could not run: not the zone's fault
    return `${e.stdout ?? ''}\n${e.stderr ?? ''}`
      .split('\n')
      .map((line) => line.replaceAll(file, 'zone').trim())
      .filter((line) => line !== '' && !/^zone \S+: not loaded due to errors\.$/.test(line) && !/loaded serial/.test(line));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Blame {
  /** The field of each record id this change writes (`input.records[0].value`, `input.value`). */
  recordFields: Map<string, string>;
  /** Where messages about other records, default records or the zone as a whole go (`input.domainId`, `id`). */
  otherField: string;
}

function describe(record: ZoneRecord): string {
  const what = `${record.name} ${record.type} ${record.value}`;
  return record.id === null ? `the default record ${what}` : `record ${toGlobalId('DomainRecord', record.id)} (${what})`;
}

/** The userErrors of named-checkzone's messages, by the records they are about. */
export function mapCheckzoneMessages(messages: string[], lines: (ZoneRecord | null)[], blame: Blame): UserError[] {
  const errors: UserError[] = [];
  for (const message of messages) {
    const text = message.replace(/^dns_master_load: /, '').replace(/^zone [^:]+: /, '');
    const line = /^zone:(\d+): (.*)$/.exec(text);
    let record: ZoneRecord | null | undefined = line ? lines[Number(line[1]) - 1] : undefined;
    const quoted = /'([^']+)'/.exec(text)?.[1];
    if (!record && quoted) {
      const name = quoted.replace(/\.$/, '');
      record = lines.find((r) => r && targetOf(r.type, r.value) === `${name}.`) ?? lines.find((r) => r && r.name === name);
    }
    const detail = line ? line[2]! : text;
    const field = record?.id ? blame.recordFields.get(record.id) : undefined;
    if (field) errors.push({ field, message: `refused by named-checkzone: ${detail}`, code: UserErrorCode.INVALID });
    else errors.push({ field: blame.otherField, message: `${record ? `${describe(record)}: ` : ''}refused by named-checkzone: ${detail}`, code: UserErrorCode.INVALID });
  }
  return errors;
}

/** Renders and checks a zone; the userErrors it raises, or none. */
export async function zoneErrors(origin: string, zone: ZoneContent, blame: Blame): Promise<UserError[]> {
  const rendered = renderZone(origin, zone);
  const messages = await namedCheckzone(origin, rendered.text);
  if (messages === null) return [];
  // "loading from master file … failed: <reason>" repeats the reason of the line before it.
  const specific = messages.filter((m) => !/loading from master file \S+ failed/.test(m));
  const errors = mapCheckzoneMessages(specific.length ? specific : messages, rendered.lines, blame);
  return errors.length ? errors : [{ field: blame.otherField, message: 'refused by named-checkzone', code: UserErrorCode.INVALID }];
}

/** Checks the zone of `top` as the transaction has it (flushed); throws the userErrors (the change rolls back). */
export async function checkZone(em: EntityManager, top: Domain, blame: Blame): Promise<void> {
  const errors = await zoneErrors(top.name, await buildZone(em, top), blame);
  if (errors.length) throw new UserInputError(errors);
}
