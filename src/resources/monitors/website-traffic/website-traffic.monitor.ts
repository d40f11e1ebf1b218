/**
 * Web traffic per website: the bytes its web server sent (headers included), a counter read from the site's own
 * access log (./website-traffic.sh), which survives the log's rotation. One monitor per web server backend, since
 * each has its routes and its log directory; both backends end every access log line with those bytes (nginx's
 * `$bytes_sent` in the `orchestra` log format, Apache's `%O`). A resource sums them by month (MONTHLY_SUM).
 */
import { Website } from '../../../entities/web/website.js';
import type { WebsiteSource } from '../../../orchestration/backends/web/website-snapshot.js';
import { ShellCode, joinShell, sh } from '../../../orchestration/shell/quote.js';
import { bashFragment } from '../../../orchestration/shell/fragment.js';
import type { Monitor, MonitorTarget } from '../monitor.js';

const TRAFFIC = bashFragment(new URL('./website-traffic.sh', import.meta.url));

/** Where each web server backend writes the sites' access logs (`site-<id>.access.log`). */
export const WEBSITE_LOG_DIRS = { nginx: '/var/log/nginx/orchestra', apache: '/var/log/apache2/orchestra' } as const;

/** The counters' state files on the server. */
export const WEBSITE_TRAFFIC_STATE_DIR = '/var/lib/orchestra/monitors/website-traffic';

type Target = MonitorTarget<Record<string, never>>;

function websiteTrafficMonitor(server: keyof typeof WEBSITE_LOG_DIRS): Monitor<Record<string, never>> {
  const stateDir = `${WEBSITE_TRAFFIC_STATE_DIR}/${server}`;
  return {
    name: `website-traffic-${server}`,
    description: `Bytes ${server === 'nginx' ? 'nginx' : 'Apache'} sent for each website (a counter read from its access log, across its rotation).`,
    model: 'Website',
    backend: `${server}-websites`,
    kind: 'traffic',
    counter: true,
    timeoutMs: 30 * 60_000,
    async targets(em, objectIds): Promise<Target[]> {
      const websites = await em.find(Website, objectIds ? { id: { $in: [...objectIds] } } : {}, { populate: ['account'], filters: false, orderBy: { id: 'asc' } });
      return websites.map((website) => {
        const account = website.account.getEntity();
        // What is mounted does not place a website (routes match names and states): no query per site for its apps.
        const routeSource: WebsiteSource = {
          id: website.id, name: website.name, accountUsername: account.username, isActive: website.isActive,
          account: { isActive: account.isActive, type: account.type }, protocol: website.protocol, domains: website.domains, contents: [],
          directives: website.directives,
        };
        return { objectId: website.id, accountId: account.id, routeSource, data: {} };
      });
    },
    body(targets) {
      return joinShell([
        TRAFFIC, ShellCode.empty,
        sh`mkdir -p -- ${stateDir}`,
        ...targets.map((t) => sh`website_traffic ${t.objectId} ${WEBSITE_LOG_DIRS[server]} ${stateDir}`),
      ], '\n');
    },
  };
}

export const nginxWebsiteTrafficMonitor = websiteTrafficMonitor('nginx');
export const apacheWebsiteTrafficMonitor = websiteTrafficMonitor('apache');
