import type { SystemActivities } from '../../workflows/contracts/system.js';
import type { ActivityDeps } from '../activity-deps.js';
import { checkDatabaseActivity } from './check-database.js';

/** The system workflows' activities (health check). */
export function systemActivities(deps: ActivityDeps): SystemActivities {
  return { checkDatabase: checkDatabaseActivity(deps) };
}
