import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SpamFilter } from '../../entities/mail/spam-filter.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(SpamFilter, {
  name: 'SpamFilter',
  description: 'What a mailbox does with mail the spam checker flagged (X-Spam-Flag: YES).',
  valuesConfig: {
    DISABLED: { description: 'Delivered like any other mail.' },
    SUBJECT_TAG: { description: 'Delivered with "[SPAM] " before its subject.' },
    MOVE_TO_SPAM: { description: 'Filed into the Spam folder (the default).' },
    REJECT: { description: 'Thrown away (no bounce: spam senders are forged).' },
  },
});

/** GraphQL shape of a Mailbox; resolvers return the ORM entity. The password hash is never a field. */
@ObjectType('Mailbox', { implements: Node, description: 'A mailbox on the mail servers (IMAP login and Maildir), owned by an account.' })
export class MailboxNode extends Node {
  @Field({ description: 'Its login and identity on the servers: it cannot change.' })
  name!: string;

  @Field({ description: 'False: logins are refused; mail is still delivered.' })
  isActive!: boolean;

  @Field(() => SpamFilter)
  spamFilter!: SpamFilter;

  @Field(() => String, { nullable: true, description: 'Its own Sieve script, run after the spam filter.' })
  customSieve!: string | null;

  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType('Autoresponse', { description: 'An automatic answer (Sieve vacation): once per sender every `days` days, while active and inside its window.' })
export class AutoresponseNode {
  @Field() isActive!: boolean;
  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD, server time), or null.' }) from!: string | null;
  @Field(() => String, { nullable: true, description: 'Last day (YYYY-MM-DD), or null.' }) until!: string | null;
  @Field() subject!: string;
  @Field() message!: string;
  @Field(() => Int) days!: number;
}

/** GraphQL shape of an Address; resolvers return the ORM entity. */
@ObjectType('Address', { implements: Node, description: 'An e-mail address of an account\'s domain: into mailboxes, forwarded, or both.' })
export class AddressNode extends Node {
  @Field({ description: 'The local part; "" is the catch-all of the domain.' })
  name!: string;

  @Field(() => [String], { description: 'Addresses it forwards to.' })
  forwards!: string[];

  @Field(() => AutoresponseNode, { nullable: true })
  autoresponse!: AutoresponseNode | null;

  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const MailboxConnection = Connection(MailboxNode, 'Mailbox');
export const AddressConnection = Connection(AddressNode, 'Address');
