import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Server addresses as IP addresses, and the names among them that did not resolve. */
export interface ResolvedServerAddresses {
  /** Sorted, each once; IPv6 lowercase as nginx and Apache compare them. */
  addresses: string[];
  /** Server names that resolved to no address when the plan was built (sorted). */
  unresolved: string[];
}

/**
 * The IP addresses of servers stored by address or by host name (a server's address is either), for a configuration
 * that must name addresses: nginx resolves an upstream's names when it loads, and a name that does not resolve then
 * makes it refuse the whole configuration; Apache's proxy would resolve it per request. So names are resolved here,
 * by the system's resolver when the plan is built, and a name that does not resolve is left out (and reported) rather
 * than written where it could make a server refuse the site. With the plan's `shared` map each name is looked up
 * once per plan (a server sync of 500 websites names the same few servers 500 times).
 */
export async function resolvedServerAddresses(stored: readonly string[], shared?: Map<string, unknown>): Promise<ResolvedServerAddresses> {
  const addresses: string[] = [];
  const unresolved: string[] = [];
  for (const address of stored) {
    if (isIP(address)) {
      addresses.push(address.toLowerCase());
      continue;
    }
    const found = await lookupOnce(address, shared);
    if (found.length) addresses.push(...found);
    else unresolved.push(address);
  }
  return { addresses: [...new Set(addresses)].sort(), unresolved: [...new Set(unresolved)].sort() };
}

async function lookupOnce(name: string, shared?: Map<string, unknown>): Promise<string[]> {
  const key = `resolved-address:${name}`;
  const cached = shared?.get(key) as Promise<string[]> | undefined;
  if (cached) return cached;
  const found = lookup(name, { all: true, verbatim: true }).then(
    (results) => results.map((r) => r.address.toLowerCase()).filter((a) => !a.includes('%')), // no zone: a link-local address is no peer
    () => [] as string[], // ENOTFOUND, EAI_AGAIN…: not an address today
  );
  shared?.set(key, found);
  return found;
}
