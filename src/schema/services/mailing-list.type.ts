import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

/** GraphQL shape of a MailingList; resolvers return the ORM entity. The password hash is never a field. */
@ObjectType('MailingList', { implements: Node, description: 'A mailing list on Mailman 3, posted to at an address of one of its account\'s domains.' })
export class MailingListNode extends Node {
  @Field({ description: 'Orchestra\'s name of the list (unique).' })
  name!: string;

  @Field({ description: 'The local part of its posting address; it cannot change.' })
  addressName!: string;

  @Field({ description: 'The list\'s owner on Mailman; the list\'s password is this owner\'s.' })
  adminEmail!: string;

  @Field({ description: 'False: every post is refused (its sender is told).' })
  isActive!: boolean;

  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const MailingListConnection = Connection(MailingListNode, 'MailingList');
