import { ConfigError, loadConfig, type Config } from './config.js';

/**
 * For entry points: the configuration, or the one message naming every bad variable on stderr and exit code 1.
 * ConfigError never contains secret values, so its message is safe to print.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
