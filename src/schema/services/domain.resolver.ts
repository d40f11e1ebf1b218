import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Domain } from '../../entities/dns/domain.js';
import { DomainRecord } from '../../entities/dns/domain-record.js';
import { toUnicodeName } from '../../orchestration/backends/dns/dns-name.js';
import { renderZone } from '../../orchestration/backends/dns/zone.js';
import { createDomain, deleteDomain, findDomain, updateDomain } from '../../services/domains/domain.use-cases.js';
import { buildZone, defaultRecordsFor } from '../../services/domains/zone-builder.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateDomainInput, DomainFilter, UpdateDomainInput } from './domain.inputs.js';
import { DefaultDnsRecord, DomainConnection, DomainNode, DomainRecordNode, DomainSoa, type DnsRecordType } from './domain.type.js';
import { Parent } from '../parent.js';

const DomainPayload = Payload('Domain', 'domain', DomainNode);
const DeleteDomainPayload = DeletePayload('DeleteDomain');

@Resolver(() => DomainNode)
export class DomainResolver {
  @FieldResolver(() => ID)
  id(@Parent() domain: Domain): string {
    return toGlobalId('Domain', domain.id);
  }

  @FieldResolver(() => String, { description: 'The name for people: Unicode ("bücher.example").' })
  unicodeName(@Parent() domain: Domain): string {
    return toUnicodeName(domain.name);
  }

  @FieldResolver(() => Boolean, { description: 'Whether it is a zone of its own (no domain above it in Orchestra).' })
  isTop(@Parent() domain: Domain): boolean {
    return domain.top === null;
  }

  @FieldResolver(() => DomainNode, { nullable: true, description: 'The top domain whose zone holds this one\'s records; null for a top domain.' })
  top(@Parent() domain: Domain) {
    return domain.top?.loadOrFail() ?? null;
  }

  @FieldResolver(() => [DomainNode], { description: 'The subdomains whose records are in this top domain\'s zone.' })
  subdomains(@Parent() domain: Domain, @Ctx() ctx: Context) {
    return ctx.em.find(Domain, { top: domain.id }, { orderBy: { name: 'asc' } });
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() domain: Domain) {
    return domain.account.loadOrFail();
  }

  @FieldResolver(() => [DomainRecordNode], { description: 'Its own records, oldest first.' })
  records(@Parent() domain: Domain, @Ctx() ctx: Context) {
    return ctx.em.find(DomainRecord, { domain: domain.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => [DefaultDnsRecord], { description: 'The records from configuration it is served with, besides its own (none of a type it declares).' })
  async defaultRecords(@Parent() domain: Domain, @Ctx() ctx: Context): Promise<DefaultDnsRecord[]> {
    const declared = await ctx.em.find(DomainRecord, { domain: domain.id });
    return defaultRecordsFor(domain.name, domain.top === null, declared).map((r) => ({ type: r.type as DnsRecordType, value: r.value }));
  }

  @FieldResolver(() => DomainSoa, { nullable: true, description: 'The SOA of its zone; null for a subdomain.' })
  async soa(@Parent() domain: Domain, @Ctx() ctx: Context): Promise<DomainSoa | null> {
    if (domain.top) return null;
    const zone = await buildZone(ctx.em, domain);
    return { ...zone.soa, serial: zone.serial };
  }

  @FieldResolver(() => Int, { description: 'The zone\'s serial, YYYYMMDDnn (a subdomain keeps the one it had as a top domain, or 0).' })
  serial(@Parent() domain: Domain): number {
    return domain.serial;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The zone file the master servers get; null for a subdomain.' })
  async zone(@Parent() domain: Domain, @Ctx() ctx: Context): Promise<string | null> {
    if (domain.top) return null;
    return renderZone(domain.name, await buildZone(ctx.em, domain)).text;
  }

  @Query(() => DomainNode)
  domain(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findDomain(ctx.em, id);
  }

  @Query(() => DomainConnection)
  domains(@Args() page: PageArgs, @Arg('filter', () => DomainFilter, { nullable: true }) filter: DomainFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Domain> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.isTop === true) where.top = null;
    if (filter?.isTop === false) where.top = { $ne: null };
    return paginate(ctx.em, Domain, where, { id: 'asc' }, page);
  }

  @Mutation(() => DomainPayload, { description: 'Adds a domain (and its first records): a subdomain of the highest domain above it, or a new zone.' })
  createDomain(@Arg('input') input: CreateDomainInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ domain: await createDomain(uc, input) }));
  }

  @Mutation(() => DomainPayload, { description: 'Changes the SOA overrides of a domain.' })
  updateDomain(@Arg('input') input: UpdateDomainInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ domain: await updateDomain(uc, input) }));
  }

  @Mutation(() => DeleteDomainPayload, { description: 'Deletes a domain and its records; a top domain\'s subdomains regroup under the highest of them.' })
  deleteDomain(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteDomain(uc, id);
      return { deletedId: id };
    });
  }
}
