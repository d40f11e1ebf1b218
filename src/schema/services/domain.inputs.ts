import { Field, ID, InputType, Int } from 'type-graphql';
import { DnsRecordType } from './domain.type.js';

@InputType({ description: 'A record of a new domain.' })
export class DomainRecordInput {
  @Field(() => DnsRecordType) type!: DnsRecordType;
  @Field() value!: string;
  @Field(() => Int, { nullable: true }) ttl?: number | null;
}

@InputType({ description: 'Unicode names are stored in punycode. SOA overrides are seconds; omitted: the configured values.' })
export class CreateDomainInput {
  @Field(() => ID) accountId!: string;
  @Field({ description: '"example.com", "www.example.com", "*.example.com", "_dmarc.example.com", "bücher.example".' }) name!: string;
  @Field(() => Int, { nullable: true }) refresh?: number | null;
  @Field(() => Int, { nullable: true }) retry?: number | null;
  @Field(() => Int, { nullable: true }) expire?: number | null;
  @Field(() => Int, { nullable: true }) minTtl?: number | null;
  @Field(() => [DomainRecordInput], { nullable: true, description: 'Records created with the domain (checked together, in one zone).' })
  records?: DomainRecordInput[] | null;
}

@InputType({ description: 'SOA overrides; omitted fields keep their value, null goes back to the configured value. The name cannot change.' })
export class UpdateDomainInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, { nullable: true }) refresh?: number | null;
  @Field(() => Int, { nullable: true }) retry?: number | null;
  @Field(() => Int, { nullable: true }) expire?: number | null;
  @Field(() => Int, { nullable: true }) minTtl?: number | null;
}

@InputType()
export class DomainFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field({ nullable: true, description: 'Only top domains (true) or only subdomains (false).' }) isTop?: boolean;
}

@InputType()
export class CreateDomainRecordInput {
  @Field(() => ID) domainId!: string;
  @Field(() => DnsRecordType) type!: DnsRecordType;
  @Field() value!: string;
  @Field(() => Int, { nullable: true }) ttl?: number | null;
}

@InputType({ description: 'Omitted fields keep their value; a null ttl goes back to the zone\'s default. The type cannot change.' })
export class UpdateDomainRecordInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) value?: string;
  @Field(() => Int, { nullable: true }) ttl?: number | null;
}
