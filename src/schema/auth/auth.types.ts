import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';
import { UserError } from '../../errors/user-input-error.js';

@ObjectType('User', { implements: Node, description: 'Someone who logs in; belongs to one account.' })
export class UserNode extends Node {
  @Field() username!: string;
  @Field() isAdmin!: boolean;
  @Field() isActive!: boolean;
  @Field(() => Date, { nullable: true }) lastLoginAt!: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType('ApiToken', { implements: Node, description: 'A credential for automation. Its secret is shown only once.' })
export class ApiTokenNode extends Node {
  @Field() name!: string;
  @Field({ description: 'The public start of the token, to tell tokens apart.' }) prefix!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => String, { nullable: true }) lastUsedFrom!: string | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

export const ApiTokenConnection = Connection(ApiTokenNode, 'ApiToken');

@InputType()
export class LoginInput {
  @Field() username!: string;
  @Field() password!: string;
}

@ObjectType()
export class LoginPayload {
  @Field(() => String, { nullable: true, description: 'Send as "Authorization: Bearer <token>".' }) token!: string | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => UserNode, { nullable: true }) user!: unknown;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class CreateApiTokenInput {
  @Field() name!: string;
  @Field(() => Int, { nullable: true, description: 'Days until it expires; none: never.' }) expiresInDays?: number;
}

@ObjectType()
export class CreateApiTokenPayload {
  @Field(() => String, { nullable: true, description: 'The whole token. Shown now and never again.' }) token!: string | null;
  @Field(() => ApiTokenNode, { nullable: true }) apiToken!: unknown;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class ChangePasswordPayload {
  @Field(() => String, {
    nullable: true,
    description: 'A new session token: changing the password ended every session of the user, this one\'s too.',
  })
  token!: string | null;

  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => UserNode, { nullable: true }) user!: unknown;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class ChangePasswordInput {
  @Field() currentPassword!: string;
  @Field() newPassword!: string;
}

@InputType()
export class SetUserPasswordInput {
  @Field(() => ID) userId!: string;
  @Field() password!: string;
}
