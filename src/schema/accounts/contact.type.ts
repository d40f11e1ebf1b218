import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { EmailUsage } from '../../entities/accounts/email-usage.js';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

registerEnumType(EmailUsage, { name: 'EmailUsage' });

/**
 * `simpleResolvers`: the executor reads these fields' properties itself. Without it type-graphql gives each field a
 * resolve function that runs the field's middlewares and roles (these fields have none) and then reads the property,
 * and graphql-jit then calls it per field instead of compiling a property read: ~1,500 calls for a page of 50 accounts
 * with their contacts (bench/README.md, issue 9, step 7). Only for types whose values are entities or list rows
 * (src/schema/relay/read-rows.ts): their properties are values, never promises, which a compiled read would not await.
 * A field that needs a role or a middleware must not be added to such a type (type-graphql would not run them).
 */
@ObjectType('Contact', { implements: Node, simpleResolvers: true, description: 'A person to reach for an account, and for what.' })
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

@ObjectType('BillContact', { implements: Node, simpleResolvers: true, description: 'Who the account\'s bills are addressed to.' })
export class BillContactNode extends Node {
  @Field() name!: string;
  @Field() address!: string;
  @Field() city!: string;
  @Field() zipcode!: string;
  @Field() country!: string;
  @Field() vat!: string;
}
