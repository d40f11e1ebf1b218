import { Field, ID, InputType } from 'type-graphql';
import { SystemUserShell } from '../../entities/services/system-user.js';

@InputType()
export class CreateSystemUserInput {
  @Field(() => ID) accountId!: string;
  @Field({ description: 'Cannot change later: it is the user\'s identity on the servers.' }) username!: string;
  @Field({ nullable: true, description: 'At least 10 characters. Without it the user can log in with SSH keys only.' })
  password?: string;
  @Field(() => SystemUserShell, { nullable: true, description: 'Default: NOLOGIN.' }) shell?: SystemUserShell;
  @Field({
    nullable: true,
    description: 'Default (or empty): /home/<username>. A non-shell user may instead use a directory under the main user\'s home.',
  })
  home?: string;
  @Field(() => [String], { nullable: true, description: 'Usernames of other system users of the same account.' }) groups?: string[];
}

@InputType({ description: 'Omitted fields keep their value. The username cannot change.' })
export class UpdateSystemUserInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true, description: 'A new password (replaces the old one).' }) password?: string;
  @Field(() => SystemUserShell, { nullable: true }) shell?: SystemUserShell;
  @Field({ nullable: true, description: 'Empty: back to /home/<username>.' }) home?: string;
  @Field(() => [String], { nullable: true, description: 'Replaces the whole list.' }) groups?: string[];
}

@InputType()
export class SystemUserFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field({ nullable: true, description: 'Part of the username, case-insensitive.' }) search?: string;
  @Field({ nullable: true }) isActive?: boolean;
}
