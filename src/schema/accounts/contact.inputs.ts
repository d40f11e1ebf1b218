import { Field, ID, InputType } from 'type-graphql';
import { EmailUsage } from '../../entities/accounts/email-usage.js';

@InputType()
export class CreateContactInput {
  @Field(() => ID) accountId!: string;
  @Field() shortName!: string;
  @Field({ nullable: true }) fullName?: string;
  @Field() email!: string;
  @Field(() => [EmailUsage], { nullable: true, description: 'Default: all usages.' }) emailUsages?: EmailUsage[];
  @Field({ nullable: true }) phone?: string;
  @Field({ nullable: true }) phone2?: string;
  @Field({ nullable: true, description: 'Street address; needs city, zipcode and country.' }) address?: string;
  @Field({ nullable: true }) city?: string;
  @Field({ nullable: true, description: 'Needs a country.' }) zipcode?: string;
  @Field({ nullable: true, description: 'ISO 3166-1 alpha-2.' }) country?: string;
}

@InputType()
export class UpdateContactInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) shortName?: string;
  @Field({ nullable: true }) fullName?: string;
  @Field({ nullable: true }) email?: string;
  @Field(() => [EmailUsage], { nullable: true }) emailUsages?: EmailUsage[];
  @Field({ nullable: true }) phone?: string;
  @Field({ nullable: true }) phone2?: string;
  @Field({ nullable: true }) address?: string;
  @Field({ nullable: true }) city?: string;
  @Field({ nullable: true }) zipcode?: string;
  @Field({ nullable: true }) country?: string;
}

@InputType()
export class ContactFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => EmailUsage, { nullable: true, description: 'Contacts whose e-mail is used for this.' }) emailUsage?: EmailUsage;
  @Field({ nullable: true, description: 'Part of the names or e-mail, case-insensitive.' }) search?: string;
}

@InputType()
export class SetBillContactInput {
  @Field(() => ID) accountId!: string;
  @Field() name!: string;
  @Field() address!: string;
  @Field() city!: string;
  @Field() zipcode!: string;
  @Field() country!: string;
  @Field({ nullable: true, description: 'VAT number, with its country prefix (e.g. ESB12345678).' }) vat?: string;
}
