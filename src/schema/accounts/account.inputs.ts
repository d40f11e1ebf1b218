import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { AccountType } from '../../entities/accounts/account-type.js';
import { SortDirection } from '../relay/sort-direction.js';

@InputType()
export class CreateAccountInput {
  @Field() username!: string;
  @Field(() => AccountType, { nullable: true }) type?: AccountType;
  @Field({ nullable: true }) language?: string;
  @Field({ nullable: true }) shortName?: string;
  @Field({ nullable: true }) fullName?: string;
  @Field({ nullable: true }) comments?: string;
  @Field({ nullable: true, description: 'Password of the main user; without it the user cannot log in until one is set.' })
  password?: string;
}

@InputType()
export class UpdateAccountInput {
  @Field(() => ID) id!: string;
  @Field(() => AccountType, { nullable: true, description: 'Admins only.' }) type?: AccountType;
  @Field({ nullable: true }) language?: string;
  @Field({ nullable: true }) shortName?: string;
  @Field({ nullable: true }) fullName?: string;
  @Field({ nullable: true, description: 'Admins only.' }) comments?: string;
}

@InputType()
export class AccountFilter {
  @Field({ nullable: true, description: 'Part of the username or names, case-insensitive.' }) search?: string;
  @Field(() => AccountType, { nullable: true }) type?: AccountType;
  @Field({ nullable: true }) isActive?: boolean;
}

export enum AccountOrderField {
  USERNAME = 'username',
  CREATED_AT = 'createdAt',
}
registerEnumType(AccountOrderField, { name: 'AccountOrderField' });

@InputType()
export class AccountOrder {
  @Field(() => AccountOrderField) field!: AccountOrderField;
  @Field(() => SortDirection, { defaultValue: SortDirection.ASC }) direction!: SortDirection;
}
