/**
 * The values of web apps and websites that reach configuration files (nginx, Apache, PHP-FPM) and scripts. Both the
 * API (src/services/web/) and the backends' snapshots check them with these functions, so what the API accepts is
 * exactly what the backends render.
 *
 * Decision: instead of escaping for three configuration languages (each with its own variables: nginx `$`, Apache
 * `${}` and `%{}`, FPM `${}`), values are restricted to characters that mean nothing special in any of them, and
 * then double-quoted in the files. Paths: letters, digits, `.`, `_`, `-`, `/`, no `.` or `..` segment; URLs:
 * the same plus `:`, `?`, `=`, `&`, `#`, `%` escapes and `+`. No white space, quote, `$`, `{`, `;`, `\` anywhere.
 */

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const URL_TAIL = /^[A-Za-z0-9._~\-/:?=&#%+,@!*()]*$/;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^\d{1,3}(?:\.\d{1,3}){3}$/;

/** A web app's or website's name: also a file and directory name on the servers. */
export function validateWebName(name: string): string | null {
  return NAME.test(name) ? null : 'must be 1 to 64 characters: lowercase letters, digits, "_" or "-", starting with a letter or digit';
}

/** A relative path inside a directory (`public`, `www/html`): no `..`, no `.` segment, no leading or double `/`. */
export function validateRelativePath(path: string): string | null {
  if (path.length === 0 || path.length > 200) return 'must be 1 to 200 characters';
  const segments = path.split('/');
  if (!segments.every((s) => SEGMENT.test(s))) {
    return 'must be a relative path of letters, digits, ".", "_", "-" segments separated by "/" (no "." or ".." segment)';
  }
  return null;
}

/** A URL path a website mounts or matches (`/`, `/blog`, `/api/v1`): absolute, normalised, no trailing `/`. */
export function validateUrlPath(path: string): string | null {
  if (path === '/') return null;
  if (!path.startsWith('/') || path.endsWith('/')) return 'must start with "/" and not end with "/" (or be "/")';
  return validateRelativePath(path.slice(1)) === null ? null : 'must be a path of letters, digits, ".", "_", "-" segments (no "." or ".." segment)';
}

/** An absolute URL of a redirect target (`https://example.com/new`). */
export function validateRedirectUrl(url: string): string | null {
  const match = /^(https?):\/\/([^/:?#]+)(?::(\d{1,5}))?([/?#].*)?$/.exec(url);
  if (!match || url.length > 500) return 'must be an http:// or https:// URL of at most 500 characters';
  if (!HOST.test(match[2]!)) return 'must name a host of lowercase letters, digits and "-" labels, or an IPv4 address';
  if (match[3] && (Number(match[3]) < 1 || Number(match[3]) > 65535)) return 'must have a port from 1 to 65535';
  if (!URL_TAIL.test(match[4] ?? '')) return 'must not contain white space, quotes, "$", "{", "}", ";", "\\" or "|"';
  return null;
}

/** Where a proxied path goes: a process of the server itself (`http://127.0.0.1:3000`, optionally with a path). */
export function validateProxyUrl(url: string): string | null {
  const match = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})(\/[A-Za-z0-9._~\-/]*)?$/.exec(url);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return 'must be http://127.0.0.1:<port> (a process of the server itself), optionally with a path';
  return null;
}

/**
 * A process app's start command: one line, no control characters. It is the account's own code, run as its user, so
 * its characters are not restricted; it reaches the server only as one `sh`-quoted word (`bash -c` runs it there).
 */
export function validateProcessCommand(command: string): string | null {
  if (command.trim().length === 0 || command.length > 1000) return 'must be 1 to 1000 characters';
  if (/[\x00-\x1f\x7f]/.test(command)) return 'must be one line without control characters';
  return null;
}

/** The loopback port a process app listens on: not a privileged one. */
export function validateProcessPort(port: unknown): string | null {
  return typeof port === 'number' && Number.isSafeInteger(port) && port >= 1024 && port <= 65535 ? null : 'must be a whole number from 1024 to 65535';
}

/** An HTTP error status an error document may replace. */
export function validateErrorStatus(status: string): string | null {
  return /^(?:4(?:0[0-9]|1[0-8]|2[1-9]|31|51)|50[0-8]|511)$/.test(status) ? null : 'must be an HTTP error status (400 to 511)';
}

/** A domain name as websites use them: the punycode names Orchestra's domains have, no wildcard. */
export function validateSiteDomain(name: string): string | null {
  return name.length <= 253 && HOST.test(name) && !/^\d/.test(name.split('.').at(-1)!) ? null : 'must be a domain name (punycode, lowercase)';
}

/**
 * The address of a server of a website (a server's stored address), where its ACME challenges are asked for: an IPv4
 * or a bare IPv6 address (`2001:db8::1`). Not a host name: nginx resolves an upstream's names when it loads its
 * configuration, and a name that does not resolve there would make it refuse the site. The servers' own field is
 * free text: an address that is not one of these is left out of the peers (src/services/web/website.module.ts).
 */
export function validatePeerAddress(address: string): string | null {
  const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(address);
  const ipv6 = /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}$/.test(address) && (address.match(/::/g) ?? []).length <= 1;
  return ipv4 || ipv6 ? null : 'must be an IPv4 or a bare IPv6 address (lowercase)';
}

/** A peer as nginx and Apache write a host and port: IPv6 in brackets. */
export function peerHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
