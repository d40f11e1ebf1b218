import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode } from '../errors/user-input-error.js';
import type { Validator } from '../validation/validator.js';
import { Aggregation } from './aggregations.js';
import { parseMonitorCron } from './cron-schedule.js';
import { findMonitor, listMonitors } from './monitors/registry.js';
import { RESOURCE_MODELS, relationPath } from './resource-paths.js';
import { parseScale } from './scale-expression.js';

/** A resource's definition as the use cases take it (every field set: an update merges the input first). */
export interface ResourceDefinition {
  name: string;
  model: string;
  description: string;
  aggregation: Aggregation;
  aggregationDays: number;
  unit: string;
  scale: string;
  onDemand: boolean;
  defaultAllocation: number | null;
  minAllocation: number;
  maxAllocation: number | null;
  monitors: string[];
  crontab: string | null;
  limitActions: boolean;
  isActive: boolean;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_VALUE = 1e15;

const finite = (v: number | null) => v === null || (Number.isFinite(v) && Math.abs(v) <= MAX_VALUE);

/** Every problem of a definition at once; returns it normalised (cron fields, trimmed texts). */
export function checkResourceDefinition(v: Validator, em: EntityManager, d: ResourceDefinition): ResourceDefinition {
  const name = v.text('name', d.name, { required: true, max: 32, pattern: NAME, patternMessage: 'must be lowercase letters, digits and "-", starting with a letter' });
  if (!(RESOURCE_MODELS as readonly string[]).includes(d.model)) v.add('model', `must be one of ${RESOURCE_MODELS.join(', ')}`);
  const description = v.text('description', d.description, { max: 256 });
  const unit = v.text('unit', d.unit, { max: 16 });
  if (!Object.values(Aggregation).includes(d.aggregation)) v.add('aggregation', `must be one of ${Object.values(Aggregation).join(', ')}`);
  if (!Number.isInteger(d.aggregationDays) || d.aggregationDays < 1 || d.aggregationDays > 366) v.add('aggregationDays', 'must be a whole number of days from 1 to 366');
  const scale = parseScale(d.scale);
  if (!scale.ok) v.add('scale', scale.error);

  if (!finite(d.defaultAllocation) || !finite(d.minAllocation) || !finite(d.maxAllocation)) v.add('defaultAllocation', `allocations must be numbers within ±${MAX_VALUE}`);
  if (d.minAllocation < 0) v.add('minAllocation', 'must not be negative');
  if (d.maxAllocation !== null && d.maxAllocation < d.minAllocation) v.add('maxAllocation', 'must not be below minAllocation');
  if (d.onDemand && d.defaultAllocation !== null) v.add('defaultAllocation', 'must be empty for an on-demand resource (it has no allocation)');
  if (d.defaultAllocation !== null) {
    if (d.defaultAllocation < 0) v.add('defaultAllocation', 'must not be negative');
    else if (d.defaultAllocation < d.minAllocation || (d.maxAllocation !== null && d.defaultAllocation > d.maxAllocation)) {
      v.add('defaultAllocation', 'must be within minAllocation and maxAllocation');
    }
  }
  if (d.onDemand && d.limitActions) v.add('limitActions', 'an on-demand resource has no allocation to exceed');

  if (d.monitors.length > 16) v.add('monitors', 'must be at most 16');
  d.monitors.forEach((name, i) => {
    const monitor = findMonitor(name);
    if (!monitor) {
      v.add(`monitors[${i}]`, `is not a monitor; one of: ${listMonitors().map((m) => m.name).join(', ')}`);
      return;
    }
    if (relationPath(em, monitor.model, d.model) === null) {
      v.add(`monitors[${i}]`, `measures ${monitor.model} objects, which do not reach ${d.model}: no path ${monitor.model} → ${d.model}`);
    }
  });
  if (new Set(d.monitors).size !== d.monitors.length) v.add('monitors', 'must not name a monitor twice');

  let crontab: string | null = null;
  if (d.crontab !== null && d.crontab.trim() !== '') {
    const cron = parseMonitorCron(d.crontab);
    if (cron.ok) crontab = cron.value;
    else v.add('crontab', cron.error);
  }
  return { ...d, name, description, unit, crontab, scale: d.scale.trim() };
}

export function checkAllocation(v: Validator, field: string, allocated: number, bounds: { minAllocation: number; maxAllocation: number | null; onDemand: boolean }): void {
  if (bounds.onDemand) v.add(field, 'the resource is on demand: it has no allocation', UserErrorCode.NOT_ALLOWED);
  else if (!Number.isFinite(allocated) || allocated < 0) v.add(field, 'must be a number, not negative');
  else if (allocated < bounds.minAllocation) v.add(field, `must be at least ${bounds.minAllocation}`);
  else if (bounds.maxAllocation !== null && allocated > bounds.maxAllocation) v.add(field, `must be at most ${bounds.maxAllocation}`);
}
