import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { DomainRecord } from '../../entities/dns/domain-record.js';
import { createDomainRecord, deleteDomainRecord, findDomainRecord, updateDomainRecord } from '../../services/domains/domain.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateDomainRecordInput, UpdateDomainRecordInput } from './domain.inputs.js';
import { DomainNode, DomainRecordNode } from './domain.type.js';
import { Parent } from '../parent.js';

const DomainRecordPayload = Payload('DomainRecord', 'record', DomainRecordNode);
const DeleteDomainRecordPayload = DeletePayload('DeleteDomainRecord');

@Resolver(() => DomainRecordNode)
export class DomainRecordResolver {
  @FieldResolver(() => ID)
  id(@Parent() record: DomainRecord): string {
    return toGlobalId('DomainRecord', record.id);
  }

  @FieldResolver(() => DomainNode)
  domain(@Parent() record: DomainRecord) {
    return record.domain.loadOrFail();
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() record: DomainRecord) {
    return record.account.loadOrFail();
  }

  @Query(() => DomainRecordNode)
  domainRecord(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findDomainRecord(ctx.em, id);
  }

  @Mutation(() => DomainRecordPayload, { description: 'Adds a record; the whole zone is checked with named-checkzone first.' })
  createDomainRecord(@Arg('input') input: CreateDomainRecordInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ record: await createDomainRecord(uc, input) }));
  }

  @Mutation(() => DomainRecordPayload, { description: 'Changes a record\'s value or TTL; the whole zone is checked first.' })
  updateDomainRecord(@Arg('input') input: UpdateDomainRecordInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ record: await updateDomainRecord(uc, input) }));
  }

  @Mutation(() => DeleteDomainRecordPayload, { description: 'Removes a record; what remains of the zone must still load.' })
  deleteDomainRecord(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteDomainRecord(uc, id);
      return { deletedId: id };
    });
  }
}
