import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateMailingListInput {
  @Field(() => ID, { description: 'A domain of the account the list will belong to: its address\'s domain.' }) domainId!: string;
  @Field({ description: 'Lowercase letters, digits, "_", "-", single dots; at most 52; unique.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'The local part of its address (default: the name). Cannot change later.' }) addressName?: string | null;
  @Field({ description: 'The list\'s owner on Mailman.' }) adminEmail!: string;
  @Field({ description: '10 to 256 characters; the servers get only its hash.' }) password!: string;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) isActive?: boolean | null;
}

@InputType({ description: 'Omitted fields keep their value. The name and address cannot change.' })
export class UpdateMailingListInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'A new owner (the previous one stops being one).' }) adminEmail?: string | null;
  @Field(() => String, { nullable: true, description: 'A new password (the old one stops working).' }) password?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'False: posts are refused.' }) isActive?: boolean | null;
}

@InputType()
export class MailingListFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) domainId?: string;
}
