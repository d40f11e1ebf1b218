/**
 * Bind9 master (django-orchestra's Bind9MasterDomainController): the zones of top domains, served by `named` on the
 * server, transferred to the slaves the bind9-slave routes select.
 *
 * Decisions:
 * - Files: the zone file /etc/bind/orchestra/master/zones/<zone>.db, its zone block
 *   /etc/bind/orchestra/master/blocks/<zone>.conf, all blocks together in /etc/bind/orchestra/master.conf, which
 *   the script adds an `include` of to Debian's named.conf.local once. Orchestra never edits blocks it did not write.
 * - A top domain's save writes its zone file through a temporary file, checks it with the server's own
 *   `named-checkzone` (a refusal fails the run and leaves the served zone as it was), and replaces the file only when
 *   it differs; its block lists the slaves' addresses in `allow-transfer` and `also-notify` (`none` when there is no
 *   slave), with `notify yes`.
 * - A subdomain's save, and any delete, removes the zone of that name if this server has one: the domain is gone,
 *   or it has become a subdomain whose records are now in its new top domain's zone.
 * - One commit per script (per batch and server): `rndc reconfig` once if zones were added or removed, then
 *   `rndc reload <zone>` for each zone whose file changed, that zone only: a record change never reloads the server.
 *   What is still to load is marked on the server (../backend.ts), so a retry after a failure still loads it.
 * - The serial is not an ignored field: every zone change raises it (src/services/domains/serial.ts), which is
 *   precisely what makes the top domain's save carry the change.
 */
import { defineBackend } from '../backend.js';
import { bashFragment } from '../../shell/fragment.js';
import { WRITE_IF_CHANGED } from '../write-if-changed.js';
import { ShellCode, joinShell, printfLines, sh, shComment } from '../../shell/quote.js';
import { DOMAIN_BOOLEAN_MATCH_FIELDS, DOMAIN_MATCH_FIELDS, domainMatchContext, parseDomainSource, renderZone, type DomainSource } from '../dns/zone.js';

const CONF = bashFragment(new URL('../dns/bind9-conf.sh', import.meta.url));
const ADDRESS_LIST = bashFragment(new URL('../dns/address-list.sh', import.meta.url));
const MASTER = bashFragment(new URL('./master.sh', import.meta.url));
const SAVE_ZONE = bashFragment(new URL('./save-zone.sh', import.meta.url));
const REMOVE_ZONE = bashFragment(new URL('./remove-zone.sh', import.meta.url));

export const bind9MasterBackend = defineBackend<DomainSource>({
  name: 'bind9-master',
  description: 'Bind9 master: zone files and zone blocks of top domains; one zone reloaded per change',
  model: 'Domain',
  actions: ['save', 'delete'],
  timeoutMs: 120_000,
  matchFields: DOMAIN_MATCH_FIELDS,
  booleanMatchFields: DOMAIN_BOOLEAN_MATCH_FIELDS,
  snapshot: (source) => parseDomainSource(source, 'bind9-master'),
  parseSnapshot: (raw) => parseDomainSource(raw, 'bind9-master'),
  matchContext: domainMatchContext,
  label: (s) => s.name,
  // Only the functions this script calls (shellcheck flags the others as unreachable code).
  prepare(operations) {
    const saves = operations.some((op) => op.action === 'save' && op.snapshot.zone !== null);
    const removes = operations.some((op) => op.action !== 'save' || op.snapshot.zone === null);
    return joinShell([WRITE_IF_CHANGED, CONF, saves ? ADDRESS_LIST : ShellCode.empty, MASTER, saves ? SAVE_ZONE : ShellCode.empty, removes ? REMOVE_ZONE : ShellCode.empty]);
  },
  section(op) {
    const s = op.snapshot;
    if (op.action === 'save' && s.zone) {
      const zone = renderZone(s.name, s.zone);
      const lines = zone.text.replace(/\n$/, '').split('\n');
      return joinShell([
        shComment(`zone ${s.name}, serial ${s.zone.serial}, ${s.zone.records.length} records, ${s.slaves.length} slave${s.slaves.length === 1 ? '' : 's'}.`),
        joinShell([printfLines(lines), s.slaves.length ? sh`  | save_master_zone ${s.name} ${s.slaves}` : sh`  | save_master_zone ${s.name}`], ' \\\n'),
      ]);
    }
    return joinShell([
      shComment(op.action === 'delete' ? 'The domain is deleted.' : `Now a subdomain of ${s.top}: its records are in that zone.`),
      sh`remove_master_zone ${s.name}`,
    ]);
  },
  commit: () => sh`commit_master`,
});
