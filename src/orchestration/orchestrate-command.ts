import type { EntityManager } from '@mikro-orm/postgresql';
import { Server } from '../entities/orchestration/server.js';
import { findBackend } from './backends/registry.js';
import { findServiceModule, serviceModule, serviceModules } from '../services/index.js';
import { planGroups, type PlannedGroup } from './collector/plan.js';
import { savesOf } from './collector/saves-of.js';

export interface OrchestrateArgs {
  model: string;
  filters: string[];
  server?: string;
  backend?: string;
  dryRun: boolean;
}

export class OrchestrateUsageError extends Error {}

/** Parses `orchestrate <Model> [field=value …] [--server NAME] [--backend NAME] [--dry-run]`. */
export function parseOrchestrateArgs(argv: string[]): OrchestrateArgs {
  const args: OrchestrateArgs = { model: '', filters: [], dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--server' || arg === '--backend') {
      const value = argv[++i];
      if (!value) throw new OrchestrateUsageError(`${arg} needs a value`);
      args[arg === '--server' ? 'server' : 'backend'] = value;
    } else if (arg.startsWith('--')) throw new OrchestrateUsageError(`unknown option ${arg}`);
    else if (!args.model) args.model = arg;
    else args.filters.push(arg);
  }
  if (!findServiceModule(args.model)) throw new OrchestrateUsageError(`model must be one of: ${serviceModules().map((m) => m.model).join(', ')}`);
  if (args.backend && !findBackend(args.backend)) throw new OrchestrateUsageError(`no backend named ${args.backend}`);
  return args;
}

/**
 * The operations `orchestrate` would write: a save of every object of the model matching the filters (exact
 * `field=value` on the fields its service module lists), on the servers their routes select, narrowed by server and
 * backend.
 */
export async function planOrchestrate(em: EntityManager, args: OrchestrateArgs): Promise<PlannedGroup[]> {
  const module = serviceModule(args.model);
  const fields = module.filterFields;
  const where: Record<string, unknown> = {};
  for (const filter of args.filters) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(filter);
    if (!match || !fields.includes(match[1])) {
      throw new OrchestrateUsageError(`filter ${JSON.stringify(filter)}: use field=value with a field of ${fields.join(', ')}`);
    }
    const [, field, raw] = match;
    where[field] = raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  let serverId: string | undefined;
  if (args.server) {
    const server = await em.findOne(Server, { name: args.server });
    if (!server) throw new OrchestrateUsageError(`no server named ${args.server}`);
    serverId = server.id;
  }
  return planGroups(em, await savesOf(em, module, where, { tenantFilters: true }), { serverId, backend: args.backend });
}
