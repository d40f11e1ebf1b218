/**
 * The top items of a V8 CPU profile (`node --cpu-prof`), as Markdown tables: self time by function and by package
 * (node_modules/<package>, node: internals, the project's own src/, V8's (garbage collector) and (program)), as a
 * share of the time the process was not idle.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) {
    return /async_hooks|promise_hooks|async_local_storage/.test(url) ? 'node:async_hooks' : 'node: internals';
  }
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const src = /\/(src|bench|tests)\/(.*)$/.exec(url);
  return src ? `${src[1]}/${src[2].split('/')[0]}` : url;
}

function shortUrl(url: string): string {
  const m = /node_modules\/(.*)$/.exec(url) ?? /\/((?:src|bench|tests)\/.*)$/.exec(url);
  return m ? m[1] : url;
}

export function summariseCpuProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let busy = 0;
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `| ${name.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(0)} | ${((100 * us) / busy).toFixed(1)} % |`);
  return [
    `Busy (not idle): ${(busy / 1e6).toFixed(2)} s`,
    '',
    '| package | self ms | share |',
    '|---|---:|---:|',
    ...rows(pkgs),
    '',
    '| function | self ms | share |',
    '|---|---:|---:|',
    ...rows(fns),
  ].join('\n');
}
