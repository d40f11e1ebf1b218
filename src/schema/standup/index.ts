// The GraphQL side of account stand-up and tear-down (src/standup/).
import { AccountSetupResolver } from './account-setup.resolver.js';

export const STANDUP_RESOLVERS = [AccountSetupResolver] as const;
