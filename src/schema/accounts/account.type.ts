import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { AccountType } from '../../entities/accounts/account-type.js';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

registerEnumType(AccountType, { name: 'AccountType' });

/** GraphQL shape of an Account; resolvers return the ORM entity itself as the root value. */
// simpleResolvers: see ContactNode (./contact.type.ts).
@ObjectType('Account', { implements: Node, simpleResolvers: true, description: 'A customer of the provider: owns every service object.' })
export class AccountNode extends Node {
  @Field({ description: 'At most 32 of [a-z0-9._-]; also the name of its main system user. Cannot change.' })
  username!: string;

  @Field(() => AccountType)
  type!: AccountType;

  @Field({ description: 'ISO 639-1 code.' })
  language!: string;

  @Field()
  isActive!: boolean;

  @Field()
  shortName!: string;

  @Field()
  fullName!: string;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const AccountConnection = Connection(AccountNode, 'Account');
