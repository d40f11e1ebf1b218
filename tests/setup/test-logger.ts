// Every test process logs at debug level to a file of its own (not the test output), which the global teardown scans
// for the secrets the suite used (tests/support/test-log.ts).
import { join } from 'node:path';
import { pino } from 'pino';
import { configureLogger } from '../../src/observability/logger.js';
import { testLogDir } from '../support/test-log.js';

const dir = testLogDir();
if (dir) configureLogger({ level: 'debug', destination: pino.destination({ dest: join(dir, `${process.pid}.log`), mkdir: true, sync: true }) });
