import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { databaseSettings } from '../../services/databases/database-settings.js';
import { createDatabaseUser, deleteDatabaseUser, findDatabaseUser, updateDatabaseUser } from '../../services/databases/database-user.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateDatabaseUserInput, DatabaseUserFilter, UpdateDatabaseUserInput } from './database.inputs.js';
import { DatabaseUserConnection, DatabaseUserNode } from './database.type.js';
import { Parent } from '../parent.js';

const DatabaseUserPayload = Payload('DatabaseUser', 'databaseUser', DatabaseUserNode);
const DeleteDatabaseUserPayload = DeletePayload('DeleteDatabaseUser');

@Resolver(() => DatabaseUserNode)
export class DatabaseUserResolver {
  @FieldResolver(() => ID)
  id(@Parent() user: DatabaseUser): string {
    return toGlobalId('DatabaseUser', user.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() user: DatabaseUser) {
    return user.account.loadOrFail();
  }

  @Query(() => DatabaseUserNode)
  databaseUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findDatabaseUser(ctx.em, id);
  }

  @Query(() => DatabaseUserConnection)
  databaseUsers(
    @Args() page: PageArgs,
    @Arg('filter', () => DatabaseUserFilter, { nullable: true }) filter: DatabaseUserFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    const where: FilterQuery<DatabaseUser> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.type) where.type = filter.type;
    return paginate(ctx.em, DatabaseUser, where, { username: 'asc' }, page);
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => DatabaseUserPayload, { description: 'Creates a database user of an account (its servers get only the hash of its password).' })
  createDatabaseUser(@Arg('input') input: CreateDatabaseUserInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ databaseUser: await createDatabaseUser(uc, input, databaseSettings(ctx.config)) }));
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => DatabaseUserPayload, { description: 'Changes the password; the username and type cannot change.' })
  updateDatabaseUser(@Arg('input') input: UpdateDatabaseUserInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ databaseUser: await updateDatabaseUser(uc, input) }));
  }

  @Mutation(() => DeleteDatabaseUserPayload, {
    description: 'Deletes the user on its servers; databases it may use lose it. A user that owns a database is refused (NOT_ALLOWED).',
  })
  deleteDatabaseUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteDatabaseUser(uc, id);
      return { deletedId: id };
    });
  }
}
