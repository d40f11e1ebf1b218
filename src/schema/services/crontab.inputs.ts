import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Schedule fields default to "*".' })
export class CreateCrontabInput {
  @Field(() => ID, { description: 'Whose crontab; the line belongs to that user\'s account.' }) systemUserId!: string;
  @Field({ nullable: true }) minute?: string;
  @Field({ nullable: true }) hour?: string;
  @Field({ nullable: true }) dayOfMonth?: string;
  @Field({ nullable: true }) month?: string;
  @Field({ nullable: true }) dayOfWeek?: string;
  @Field() command!: string;
  @Field({ nullable: true }) description?: string;
}

@InputType({ description: 'Omitted fields keep their value. The system user cannot change (delete and create instead).' })
export class UpdateCrontabInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) minute?: string;
  @Field({ nullable: true }) hour?: string;
  @Field({ nullable: true }) dayOfMonth?: string;
  @Field({ nullable: true }) month?: string;
  @Field({ nullable: true }) dayOfWeek?: string;
  @Field({ nullable: true }) command?: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class CrontabFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) systemUserId?: string;
}
