import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

export enum DnsRecordType {
  A = 'A',
  AAAA = 'AAAA',
  CNAME = 'CNAME',
  MX = 'MX',
  NS = 'NS',
  SRV = 'SRV',
  TXT = 'TXT',
  CAA = 'CAA',
}
registerEnumType(DnsRecordType, {
  name: 'DnsRecordType',
  valuesConfig: {
    A: { description: 'An IPv4 address: "192.0.2.1".' },
    AAAA: { description: 'An IPv6 address: "2001:db8::1".' },
    CNAME: { description: 'Another name ("www.example.net"), alone at its name; never on a top domain.' },
    MX: { description: '"preference host": "10 mail.example.com".' },
    NS: { description: 'A name server\'s host name; on a subdomain, a delegation.' },
    SRV: { description: '"priority weight port target": "10 5 5060 sip.example.com" (on a name such as _sip._tcp.example.com).' },
    TXT: { description: 'Text (up to 4000 bytes), written as strings of 255 bytes.' },
    CAA: { description: '"flags tag value": \'0 issue "letsencrypt.org"\'.' },
  },
});

/** GraphQL shape of a DomainRecord; resolvers return the ORM entity as the root value. */
@ObjectType('DomainRecord', { implements: Node, description: 'A DNS record of a domain (its owner name is the domain\'s name).' })
export class DomainRecordNode extends Node {
  @Field(() => DnsRecordType) type!: DnsRecordType;
  @Field({ description: 'In its type\'s normal form: names absolute with a final ".", in punycode.' }) value!: string;
  @Field(() => Int, { nullable: true, description: 'Seconds; null: the zone\'s default TTL.' }) ttl!: number | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'A record every zone gets from configuration unless the domain declares records of its type.' })
export class DefaultDnsRecord {
  @Field(() => DnsRecordType) type!: DnsRecordType;
  @Field() value!: string;
}

@ObjectType({ description: 'The SOA values a top domain\'s zone is served with (configuration, or the domain\'s overrides).' })
export class DomainSoa {
  @Field() primaryNs!: string;
  @Field({ description: 'The RNAME: hostmaster.example.com. for hostmaster@example.com.' }) email!: string;
  @Field(() => Int, { description: 'YYYYMMDDnn, raised on every change of the zone.' }) serial!: number;
  @Field(() => Int) refresh!: number;
  @Field(() => Int) retry!: number;
  @Field(() => Int) expire!: number;
  @Field(() => Int, { description: 'The negative-caching TTL.' }) minimum!: number;
}

/** GraphQL shape of a Domain; resolvers return the ORM entity as the root value. */
@ObjectType('Domain', { implements: Node, description: 'A domain name in Orchestra\'s DNS: a top domain (a zone of its own) or a subdomain (its records are in its top domain\'s zone).' })
export class DomainNode extends Node {
  @Field({ description: 'As stored and served: punycode, lowercase ("xn--bcher-kva.example").' }) name!: string;
  @Field(() => Int, { nullable: true, description: 'SOA refresh override in seconds (null: configured).' }) refresh!: number | null;
  @Field(() => Int, { nullable: true, description: 'SOA retry override in seconds (null: configured).' }) retry!: number | null;
  @Field(() => Int, { nullable: true, description: 'SOA expire override in seconds (null: configured).' }) expire!: number | null;
  @Field(() => Int, { nullable: true, description: 'SOA minimum (negative-caching TTL) override in seconds (null: configured).' }) minTtl!: number | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const DomainConnection = Connection(DomainNode, 'Domain');
