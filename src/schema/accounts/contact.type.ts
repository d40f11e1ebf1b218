import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { EmailUsage } from '../../entities/accounts/email-usage.js';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

registerEnumType(EmailUsage, { name: 'EmailUsage' });

@ObjectType('Contact', { implements: Node, description: 'A person to reach for an account, and for what.' })
export class ContactNode extends Node {
  @Field() shortName!: string;
  @Field() fullName!: string;
  @Field() email!: string;
  @Field(() => [EmailUsage]) emailUsages!: EmailUsage[];
  @Field() phone!: string;
  @Field() phone2!: string;
  @Field() address!: string;
  @Field() city!: string;
  @Field() zipcode!: string;
  @Field({ description: 'ISO 3166-1 alpha-2, or empty.' }) country!: string;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const ContactConnection = Connection(ContactNode, 'Contact');

@ObjectType('BillContact', { implements: Node, description: 'Who the account\'s bills are addressed to.' })
export class BillContactNode extends Node {
  @Field() name!: string;
  @Field() address!: string;
  @Field() city!: string;
  @Field() zipcode!: string;
  @Field() country!: string;
  @Field() vat!: string;
}
