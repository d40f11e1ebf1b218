import DataLoader from 'dataloader';
import { resourceValuesOf, type ResourceValue } from '../../resources/resource-values.js';
import type { Context } from '../context.js';

/**
 * The `resources` field of a page of objects in two queries (definitions, then the page's ResourceData rows), one
 * loader per request and model, through the request's scoped EntityManager.
 */
const loaders = new WeakMap<Context, Map<string, DataLoader<string, ResourceValue[]>>>();

export function resourceUsageLoader(ctx: Context, model: string): DataLoader<string, ResourceValue[]> {
  let byModel = loaders.get(ctx);
  if (!byModel) loaders.set(ctx, (byModel = new Map()));
  let loader = byModel.get(model);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const values = await resourceValuesOf(ctx.em, model, ids);
      return ids.map((id) => values.get(id) ?? []);
    });
    byModel.set(model, loader);
  }
  return loader;
}
