/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what would break it: api and worker must
 * get every variable the configuration requires, the services and images of the production topology must be there,
 * and every file it points to must exist.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { REQUIRED_VARIABLES } from '../src/config/config.js';

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  secrets?: (string | { source: string; target?: string })[];
  volumes?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const root = resolve(import.meta.dirname, '..');
// `merge: true`: the file uses YAML merge keys (<<), which Compose supports.
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets?: Record<string, { file: string }>;
};
const services = compose.services;

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

describe('docker-compose.yml', () => {
  test.each(['api', 'worker', 'migrate'])('%s gets every variable in REQUIRED_VARIABLES', (name) => {
    const env = environment(services[name]!);
    for (const variable of REQUIRED_VARIABLES) {
      expect({ variable, value: env[variable] }).toEqual({ variable, value: expect.stringMatching(/\S/) });
    }
  });

  test('has the production topology: PostgreSQL, Temporal on PostgreSQL, Temporal UI, api, worker', () => {
    expect(services.postgresql?.image).toMatch(/^postgres:\d+/);
    expect(services.temporal?.image).toMatch(/^temporalio\/(server|auto-setup):\d+\.\d+\.\d+$/);
    expect(environment(services.temporal!).DB).toMatch(/^postgres/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    for (const name of ['api', 'worker']) expect(services[name]?.build).toBeDefined();
  });

  test('every pulled image has a pinned tag', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue; // built here: the tag is local
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/:(?!latest$)[\w.-]+$/) });
    }
  });

  test('api and worker build from the Dockerfile and run entry points that exist', () => {
    expect(existsSync(resolve(root, 'Dockerfile'))).toBe(true);
    for (const [name, entry] of [['api', 'src/bin/api.ts'], ['worker', 'src/bin/worker.ts'], ['migrate', 'src/bin/migrate.ts']] as const) {
      const command = services[name]!.command!;
      expect(command).toEqual(['node', '--import', './scripts/register.js', entry]);
      expect(existsSync(resolve(root, entry))).toBe(true);
    }
    expect(existsSync(resolve(root, 'scripts/register.js'))).toBe(true);
  });

  test("the image installs every Debian package npm start's set-up installs (the programs the API and worker run)", () => {
    const setup = readFileSync(resolve(root, 'scripts/setup.sh'), 'utf8');
    const list = setup.slice(setup.indexOf('packages=('), setup.indexOf('"$@"'));
    const packages = [...list.matchAll(/^\s+([a-z0-9.+-]+):/gm)].map((m) => m[1]!);
    expect(packages).toContain('weasyprint');
    const install = readFileSync(resolve(root, 'Dockerfile'), 'utf8').match(/apt-get install[^\n]*/)?.[0] ?? '';
    expect(packages.filter((name) => !install.split(/\s+/).includes(name))).toEqual([]);
  });

  test('the worker gets the SSH key the configuration points to', () => {
    const worker = services.worker!;
    const path = environment(worker).ORCHESTRA_SSH_KEY;
    const names = (worker.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.target ?? secret.source));
    expect(names.map((name) => `/run/secrets/${name}`)).toContain(path);
    for (const name of names) expect(compose.secrets?.[name]).toBeDefined();
  });

  test('api and worker wait for migrations and the Temporal namespace', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  test('files mounted from the repository exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect({ source, exists: existsSync(resolve(root, source)) }).toEqual({ source, exists: true });
      }
    }
    for (const script of ['setup-schema.sh', 'create-namespace.sh']) {
      expect(existsSync(resolve(root, 'deploy/temporal', script))).toBe(true);
    }
  });
});
