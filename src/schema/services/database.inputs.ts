import { Field, ID, InputType } from 'type-graphql';
import { DatabaseType } from '../../entities/services/database-type.js';

@InputType()
export class CreateDatabaseUserInput {
  @Field(() => ID) accountId!: string;
  @Field(() => DatabaseType) type!: DatabaseType;
  @Field({ description: 'Cannot change later. With the account prefix configured, "<account>_" is added when missing.' }) username!: string;
  @Field({ description: '10 to 256 characters; the servers get only its hash.' }) password!: string;
}

@InputType({ description: 'Omitted fields keep their value. The username and type cannot change.' })
export class UpdateDatabaseUserInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true, description: 'A new password (the old one stops working).' }) password?: string;
}

@InputType()
export class DatabaseUserFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => DatabaseType, { nullable: true }) type?: DatabaseType;
}

@InputType()
export class CreateDatabaseInput {
  @Field(() => ID) accountId!: string;
  @Field(() => DatabaseType) type!: DatabaseType;
  @Field({ description: 'Cannot change later. With the account prefix configured, "<account>_" is added when missing.' }) name!: string;
  @Field(() => [ID], { description: 'Database users of the same account and type, at least one: the first owns the database, the others get read-write access.' })
  userIds!: string[];
}

@InputType({ description: 'Omitted fields keep their value. The name and type cannot change.' })
export class UpdateDatabaseInput {
  @Field(() => ID) id!: string;
  @Field(() => [ID], { nullable: true, description: 'Replaces the whole list: the first owns the database, the others get read-write access.' })
  userIds?: string[];
}

@InputType()
export class DatabaseFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => DatabaseType, { nullable: true }) type?: DatabaseType;
}
