import { readDnsSettings } from './dns-settings.js';
import { readMailSettings } from './mail-settings.js';
import { readWebSettings } from './web-settings.js';
import { readAcmeSettings } from './acme-settings.js';
import { readOutgoingMailSettings, type OutgoingMailSettings } from './outgoing-mail-settings.js';
import { readObservabilitySettings, type ObservabilitySettings } from './observability-settings.js';
import { readSellerSettings } from './seller-settings.js';
import { readSepaSettings } from './sepa-settings.js';

/**
 * The one configuration object, read once from environment variables and validated as a whole:
 * every bad variable is reported in a single message, so an operator fixes them in one pass.
 */

export interface Config {
  /** PostgreSQL connection string. Empty in embedded mode until the embedded server is up. */
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** Base URL of the Temporal Web UI, used to build deep links to workflow histories. */
  temporalUiUrl: string;
  port: number;
  host: string;
  /** API processes sharing the port (src/api/api-processes.ts): one per core the API may use. */
  apiProcesses: number;
  /** HMAC secret that signs session tokens. Never logged. */
  tokenSecret: string;
  /** Lifetime of a session token in seconds. */
  tokenTtlSeconds: number;
  /** Failed logins allowed per username, and per client address, within the window (src/auth/login-throttle.ts). */
  loginMaxFailuresPerUsername: number;
  loginMaxFailuresPerAddress: number;
  loginFailureWindowSeconds: number;
  /** Private key Orchestra uses to log in to managed servers. */
  sshPrivateKeyPath: string;
  /** Whether introspection and Apollo Sandbox are served. */
  graphqlIntrospection: boolean;
  graphqlMaxDepth: number;
  graphqlMaxCost: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `account`: databases and database users are named `<account>_…` (src/services/databases/database-settings.ts). */
  databaseNamePrefix: 'none' | 'account';
  /** Orchestra's own e-mail (./outgoing-mail-settings.ts). */
  outgoingMail: OutgoingMailSettings;
  /** Metrics endpoints and tracing (./observability-settings.ts). */
  observability: ObservabilitySettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') {
      if (fallback !== undefined) return fallback;
      this.problems.push(`${name} is required`);
      return '';
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const value = this.string(name, fallback);
    if (!value) return value;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error();
    } catch {
      // The value may contain a password: name the variable, never echo it.
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
    }
    return value;
  }

  hostPort(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (value && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value)) {
      this.problems.push(`${name} must be host:port, got "${value}"`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }
}

/** The variables api and worker need in production; the docker-compose test checks them. */
export const REQUIRED_VARIABLES = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ORCHESTRA_TOKEN_SECRET', 'ORCHESTRA_SSH_KEY'] as const;

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const outgoingMail = readOutgoingMailSettings(env);
  const observability = readObservabilitySettings(env);
  const tokenSecret = r.string('ORCHESTRA_TOKEN_SECRET');
  if (tokenSecret && tokenSecret.length < 32) r.problems.push('ORCHESTRA_TOKEN_SECRET must be at least 32 characters');
  const config: Config = {
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    temporalAddress: r.hostPort('TEMPORAL_ADDRESS', ''),
    temporalNamespace: r.string('TEMPORAL_NAMESPACE', 'default'),
    temporalTaskQueue: r.string('TEMPORAL_TASK_QUEUE', 'orchestra'),
    temporalUiUrl: r.url('TEMPORAL_UI_URL', ['http:', 'https:'], 'http://localhost:8233').replace(/\/$/, ''),
    port: r.integer('PORT', 4000, 0, 65535), // 0: any free port (tests)
    host: r.string('HOST', '0.0.0.0'),
    apiProcesses: r.integer('ORCHESTRA_API_PROCESSES', 1, 1, 64),
    tokenSecret,
    tokenTtlSeconds: r.integer('ORCHESTRA_TOKEN_TTL', 3600, 60, 86400),
    loginMaxFailuresPerUsername: r.integer('ORCHESTRA_LOGIN_MAX_FAILURES_PER_USERNAME', 10, 1, 100_000),
    loginMaxFailuresPerAddress: r.integer('ORCHESTRA_LOGIN_MAX_FAILURES_PER_ADDRESS', 50, 1, 100_000),
    loginFailureWindowSeconds: r.integer('ORCHESTRA_LOGIN_FAILURE_WINDOW', 900, 1, 86400),
    sshPrivateKeyPath: r.string('ORCHESTRA_SSH_KEY'),
    graphqlIntrospection: r.boolean('GRAPHQL_INTROSPECTION', true),
    graphqlMaxDepth: r.integer('GRAPHQL_MAX_DEPTH', 10, 2, 100),
    graphqlMaxCost: r.integer('GRAPHQL_MAX_COST', 50_000, 10, 10_000_000),
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    databaseNamePrefix: r.oneOf('ORCHESTRA_DATABASE_NAME_PREFIX', ['none', 'account'] as const, 'none'),
    outgoingMail: outgoingMail.settings,
    observability: observability.settings,
  };
  r.problems.push(...observability.problems);
  r.problems.push(...outgoingMail.problems);
  r.problems.push(...readDnsSettings(env).problems);
  r.problems.push(...readMailSettings(env).problems);
  r.problems.push(...readWebSettings(env).problems);
  r.problems.push(...readAcmeSettings(env).problems);
  r.problems.push(...readSellerSettings(env).problems);
  r.problems.push(...readSepaSettings(env).problems);
  if (!config.temporalAddress && !r.problems.some((p) => p.startsWith('TEMPORAL_ADDRESS'))) {
    r.problems.push('TEMPORAL_ADDRESS is required');
  }
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}

/** What may be printed of a configuration: everything but secrets. */
export function describeConfig(config: Config): Record<string, unknown> {
  const url = new URL(config.databaseUrl);
  if (url.password) url.password = '***';
  const { smtp } = config.outgoingMail;
  const outgoingMail = smtp?.auth ? { ...config.outgoingMail, smtp: { ...smtp, auth: { ...smtp.auth, password: '***' } } } : config.outgoingMail;
  return { ...config, databaseUrl: url.toString(), tokenSecret: '***', outgoingMail };
}
