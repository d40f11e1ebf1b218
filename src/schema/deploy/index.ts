// The GraphQL side of Orchestra's own deployment (src/deploy/).
import { DeployResolver } from './deploy.resolver.js';

export const DEPLOY_RESOLVERS = [DeployResolver] as const;
