import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Database } from '../../entities/services/database.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { databaseSettings } from '../../services/databases/database-settings.js';
import { createDatabase, deleteDatabase, findDatabase, updateDatabase } from '../../services/databases/database.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateDatabaseInput, DatabaseFilter, UpdateDatabaseInput } from './database.inputs.js';
import { DatabaseConnection, DatabaseNode, DatabaseUserNode } from './database.type.js';
import { Parent } from '../parent.js';

const DatabasePayload = Payload('Database', 'database', DatabaseNode);
const DeleteDatabasePayload = DeletePayload('DeleteDatabase');

/** The database's users as entities, in its order (owner first), through the caller's scoped EntityManager. */
async function usersOf(ctx: Context, database: Database): Promise<DatabaseUser[]> {
  const users = await ctx.em.find(DatabaseUser, { account: database.account.id, type: database.type, username: { $in: database.users } });
  const byName = new Map(users.map((u) => [u.username, u]));
  return database.users.flatMap((name) => byName.get(name) ?? []);
}

@Resolver(() => DatabaseNode)
export class DatabaseResolver {
  @FieldResolver(() => ID)
  id(@Parent() database: Database): string {
    return toGlobalId('Database', database.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() database: Database) {
    return database.account.loadOrFail();
  }

  @FieldResolver(() => [DatabaseUserNode], { description: 'Its users in order: the first owns the database, the others have read-write access.' })
  users(@Parent() database: Database, @Ctx() ctx: Context) {
    return usersOf(ctx, database);
  }

  @FieldResolver(() => DatabaseUserNode, { nullable: true, description: 'Its first user, who owns it.' })
  async owner(@Parent() database: Database, @Ctx() ctx: Context) {
    return (await usersOf(ctx, database))[0] ?? null;
  }

  @Query(() => DatabaseNode)
  database(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findDatabase(ctx.em, id);
  }

  @Query(() => DatabaseConnection)
  databases(
    @Args() page: PageArgs,
    @Arg('filter', () => DatabaseFilter, { nullable: true }) filter: DatabaseFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    const where: FilterQuery<Database> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.type) where.type = filter.type;
    return paginate(ctx.em, Database, where, { name: 'asc' }, page);
  }

  @Mutation(() => DatabasePayload, { description: 'Creates a database of an account, owned by its first user.' })
  createDatabase(@Arg('input') input: CreateDatabaseInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ database: await createDatabase(uc, input, databaseSettings(ctx.config)) }));
  }

  @Mutation(() => DatabasePayload, { description: 'Replaces the users of a database (the first owns it); the name and type cannot change.' })
  updateDatabase(@Arg('input') input: UpdateDatabaseInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ database: await updateDatabase(uc, input) }));
  }

  @Mutation(() => DeleteDatabasePayload, { description: 'Drops the database on its servers, with its data. Its users stay.' })
  deleteDatabase(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteDatabase(uc, id);
      return { deletedId: id };
    });
  }
}
