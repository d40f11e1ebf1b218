/**
 * ACME HTTP-01 for a website served by several servers. Each server asks for its own certificate (its key never
 * leaves it), so a challenge's token is in the webroot of the server that asked only, while the CA fetches it from
 * whichever server the name resolves to. So port 80 answers a challenge from its own webroot and, when the token is
 * not there, asks the site's other servers (the snapshot's `peers`) for it, with FORWARDED_HEADER set: the loop
 * guard, so servers cannot bounce a missing token between them. nginx (../nginx-websites/nginx-config.ts) asks every
 * peer in turn until one has it, and answers a forwarded request from its webroot alone, never forwarding it again;
 * Apache (../apache-websites/apache-config.ts) passes it along the ring of the site's servers, the header counting
 * the hops (a request with the header is forwarded only while it has not been everywhere).
 */

import { sh, type ShellCode } from '../../shell/quote.js';

/** Where both web servers answer challenges from (acme.sh writes the tokens there). */
export const ACME_WEBROOT = '/var/lib/orchestra/acme';

/** The request header of a forwarded challenge (the loop guard). */
export const FORWARDED_HEADER = 'X-Orchestra-Acme-Forwarded';

/** Whether another server serves the site: its peers are every server of it, this one included. */
export function hasPeers(s: { peers: readonly string[] }): boolean {
  return s.peers.length > 1;
}

/** The operation's note of the site's servers left out of its peers because their names did not resolve. */
export function unresolvedPeersWarning(s: { unresolvedPeers?: readonly string[] }): ShellCode[] {
  return (s.unresolvedPeers ?? []).map((name) => sh`echo ${`warning: server ${name} does not resolve: not asked for this site's ACME challenges`}`);
}
