import { Field, ID, InputType, Int } from 'type-graphql';
import { SpamFilter } from '../../entities/mail/spam-filter.js';

@InputType()
export class CreateMailboxInput {
  @Field(() => ID) accountId!: string;
  @Field({ description: 'Lowercase letters, digits, ".", "_", "-"; at most 32; unique. Cannot change later.' }) name!: string;
  @Field({ description: '10 to 256 characters; the servers get only its hash.' }) password!: string;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) isActive?: boolean | null;
  @Field(() => SpamFilter, { nullable: true, description: 'Default MOVE_TO_SPAM.' }) spamFilter?: SpamFilter | null;
  @Field(() => String, { nullable: true, description: 'A Sieve script, checked by sievec: its errors are userErrors of this field.' }) customSieve?: string | null;
}

@InputType({ description: 'Omitted fields keep their value. The name cannot change.' })
export class UpdateMailboxInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'A new password (the old one stops working).' }) password?: string | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => SpamFilter, { nullable: true }) spamFilter?: SpamFilter | null;
  @Field(() => String, { nullable: true, description: '"" removes the custom script.' }) customSieve?: string | null;
}

@InputType()
export class MailboxFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
}

@InputType()
export class AutoresponseInput {
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) isActive?: boolean | null;
  @Field(() => String, { nullable: true, description: 'First day, YYYY-MM-DD.' }) from?: string | null;
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD.' }) until?: string | null;
  @Field({ description: 'One line, at most 200 characters.' }) subject!: string;
  @Field({ description: 'At most 10,000 characters.' }) message!: string;
  @Field(() => Int, { nullable: true, description: 'Once per sender every that many days, 1 to 365; default 7.' }) days?: number | null;
}

@InputType()
export class CreateAddressInput {
  @Field(() => ID, { description: 'A domain of the account the address will belong to.' }) domainId!: string;
  @Field(() => String, { nullable: true, description: 'The local part; "" or omitted: the catch-all of the domain.' }) name?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Mailboxes of the same account.' }) mailboxIds?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Addresses to forward to.' }) forwards?: string[] | null;
  @Field(() => AutoresponseInput, { nullable: true }) autoresponse?: AutoresponseInput | null;
}

@InputType({ description: 'Omitted fields keep their value. The name and domain cannot change.' })
export class UpdateAddressInput {
  @Field(() => ID) id!: string;
  @Field(() => [ID], { nullable: true, description: 'Replaces the whole list.' }) mailboxIds?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the whole list.' }) forwards?: string[] | null;
  @Field(() => AutoresponseInput, { nullable: true, description: 'Replaces the autoresponse (see removeAutoresponse).' }) autoresponse?: AutoresponseInput | null;
  @Field(() => Boolean, { nullable: true, description: 'True: the address has no autoresponse any more.' }) removeAutoresponse?: boolean | null;
}

@InputType()
export class AddressFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) domainId?: string;
}
