// The GraphQL side of resources and monitoring: definitions, allocations, monitorNow, history, and the `resources`
// field of every type whose objects have resources.
import { ResourceResolver } from './resource.resolver.js';
import { RESOURCE_USAGE_RESOLVERS } from './resource-usage.resolver.js';

export const RESOURCE_RESOLVERS = [ResourceResolver, ...RESOURCE_USAGE_RESOLVERS] as const;
