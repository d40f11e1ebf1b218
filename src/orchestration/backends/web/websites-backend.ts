/**
 * What the nginx and Apache website backends share: the snapshot, the staged-then-checked save of one file per site,
 * the TLS placeholder, removal, and one check + one reload per run. Each web server brings its own bash fragments
 * (`<server>_begin`, `<server>_commit`, its save check) and its renderer; the scripts are the same as when each
 * backend spelt this out itself (tests/golden/nginx-websites, tests/golden/apache-websites).
 */
import { defineBackend, type Backend } from '../backend.js';
import { unresolvedPeersWarning } from './acme-peers.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { portsOf, siteFileName, siteTlsDir, validateWebsite, type WebsiteSnapshot } from './website-snapshot.js';

const SITE_STAGE = bashFragment(new URL('./site-stage.sh', import.meta.url));
const SITE_SAVE = bashFragment(new URL('./site-save.sh', import.meta.url));
const SITE_REMOVE = bashFragment(new URL('./site-remove.sh', import.meta.url));
const SITE_TLS = bashFragment(new URL('./site-tls.sh', import.meta.url));

export interface WebServerFlavour {
  name: 'nginx-websites' | 'apache-websites';
  description: string;
  /** The server's functions (`<prefix>_begin`, `<prefix>_commit`) and those only a save needs. */
  fragment: ShellCode;
  saveFragment: ShellCode;
  /** `nginx` or `apache`: the prefix of the fragment's begin and commit functions. */
  prefix: string;
  /** `site_save`'s arguments after the file name (each quoted): the rendered site, and what else this server's save check needs. */
  saveArguments(s: WebsiteSnapshot, https: boolean): string[];
}

export function defineWebsitesBackend(flavour: WebServerFlavour): Backend<WebsiteSnapshot> {
  return defineBackend<WebsiteSnapshot>({
    name: flavour.name,
    description: flavour.description,
    model: 'Website',
    ignoredFields: ['createdAt', 'updatedAt'],
    actions: ['save', 'delete'],
    timeoutMs: 2 * 60_000,
    matchFields: ['website.name', 'website.protocol', 'website.isActive', 'account.username', 'account.type'],
    booleanMatchFields: ['website.isActive'],
    snapshot: (source) => validateWebsite(source, true, flavour.name),
    parseSnapshot: (raw) => validateWebsite(raw, false, flavour.name),
    matchContext: (s) => ({ website: { name: s.name, protocol: s.protocol, isActive: s.isActive }, account: { username: s.accountUsername, type: s.accountType } }),
    label: (s) => `${s.accountUsername}/${s.name}`,
    prepare(operations) {
      const tls = operations.some((op) => op.action === 'save' && portsOf(op.snapshot.protocol).includes(443));
      const saves = operations.some((op) => op.action === 'save');
      const deletes = operations.some((op) => op.action === 'delete');
      // Only the functions the sections call: shellcheck flags a function no one calls as dead code.
      const used = [SITE_STAGE, flavour.fragment, saves ? SITE_SAVE : null, saves ? flavour.saveFragment : null, deletes ? SITE_REMOVE : null, tls ? SITE_TLS : null].filter((f) => f !== null);
      return joinShell([...used, ShellCode.trusted(`${flavour.prefix}_begin`)], '\n\n');
    },
    section(op) {
      const s = op.snapshot;
      if (op.action === 'delete') return sh`site_remove ${siteFileName(s.id)}`;
      const parts: ShellCode[] = unresolvedPeersWarning(s);
      const https = portsOf(s.protocol).includes(443);
      if (https) parts.push(sh`site_tls_placeholder ${siteTlsDir(s.id)} ${s.domains[0]!}`);
      parts.push(sh`site_save ${siteFileName(s.id)} ${flavour.saveArguments(s, https)}`);
      return joinShell(parts);
    },
    commit(operations) {
      const commit = `${flavour.prefix}_commit`;
      return ShellCode.trusted(operations.some((op) => op.action === 'save') ? `site_check\n${commit}` : commit);
    },
  });
}
