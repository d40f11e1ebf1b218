import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentLogContext } from './log-context.js';
import { REDACT_PATHS, REDACTED, redactSecrets } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Human-readable lines (pino-pretty, `npm start`); JSON otherwise (production entry points, tests). */
  pretty?: boolean;
  /** Where JSON lines go; stdout by default. */
  destination?: DestinationStream;
}

function options(level: LoggerSettings['level']): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, variables: redactSecrets },
    // Every line carries the request id, actor, account, workflow… of the work it is written for.
    mixin: () => currentLogContext() ?? {},
  };
}

export function createLogger(settings: LoggerSettings): Logger {
  if (settings.pretty) {
    return pino({ ...options(settings.level), transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } } });
  }
  return settings.destination ? pino(options(settings.level), settings.destination) : pino(options(settings.level));
}

/**
 * The process's logger. Entry points configure it once (`configureLogger`) from LOG_LEVEL; modules import `log` and
 * write through it (an ES live binding: they see the configured one). Never `console`.
 */
export let log: Logger = createLogger({ level: 'info' });

export function configureLogger(settings: LoggerSettings): Logger {
  log = createLogger(settings);
  return log;
}

/** The message of anything thrown, for one-line log messages (the error itself goes in `err`). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
