import { Field, ID, InputType, Int } from 'type-graphql';
import { WebAppType } from '../../entities/web/web-app-type.js';
import { WebsiteProtocol } from '../../entities/web/website-protocol.js';
import { WebsiteDirectiveKind } from '../../entities/web/website.js';

@InputType()
export class PhpIniValueInput {
  @Field() name!: string;
  @Field() value!: string;
}

@InputType()
export class WebAppOptionsInput {
  @Field(() => String, { nullable: true, description: 'Relative path inside the app\'s directory (no "..").' }) publicRoot?: string | null;
  @Field(() => Int, { nullable: true, description: 'PHP: 1 to 3600 seconds, default 30.' }) timeout?: number | null;
  @Field(() => Int, { nullable: true, description: 'PHP: 1 to 64, default 4.' }) processes?: number | null;
  @Field(() => [PhpIniValueInput], { nullable: true, description: 'PHP: allowed directives only; disable_functions only adds.' }) phpIni?: PhpIniValueInput[] | null;
  @Field(() => String, { nullable: true, description: 'SYMBOLIC_LINK: a directory of the home, relative to it, outside ~/webapps.' }) target?: string | null;
  @Field(() => String, { nullable: true, description: 'PROCESS (required): one line run by bash in the app\'s directory, at most 1000 characters.' }) command?: string | null;
  @Field(() => Int, { nullable: true, description: 'PROCESS (required): 1024 to 65535, on the loopback; unique among the process apps.' }) port?: number | null;
}

@InputType()
export class CreateWebAppInput {
  @Field(() => ID) accountId!: string;
  @Field({ description: 'Lowercase letters, digits, "_", "-"; unique in the account. Cannot change later.' }) name!: string;
  @Field(() => WebAppType) type!: WebAppType;
  @Field(() => String, { nullable: true, description: 'PHP: one of the configured versions; default the first.' }) phpVersion?: string | null;
  @Field(() => WebAppOptionsInput, { nullable: true }) options?: WebAppOptionsInput | null;
}

@InputType({ description: 'Omitted fields keep their value. Name and type cannot change.' })
export class UpdateWebAppInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'A version switch removes the old version\'s pool.' }) phpVersion?: string | null;
  @Field(() => WebAppOptionsInput, { nullable: true, description: 'Replaces every option.' }) options?: WebAppOptionsInput | null;
}

@InputType()
export class WebsiteContentInput {
  @Field({ description: '"/" or "/path" (no trailing "/").' }) path!: string;
  @Field(() => ID, { description: 'A web app of the same account.' }) webAppId!: string;
}

@InputType()
export class WebsiteDirectiveInput {
  @Field(() => WebsiteDirectiveKind) kind!: WebsiteDirectiveKind;
  @Field({ description: 'The path it applies to, or the HTTP status of an ERROR_DOCUMENT.' }) path!: string;
  @Field() value!: string;
}

@InputType()
export class CreateWebsiteInput {
  @Field(() => ID) accountId!: string;
  @Field({ description: 'Lowercase letters, digits, "_", "-"; unique in the account. Cannot change later.' }) name!: string;
  @Field(() => WebsiteProtocol, { nullable: true, description: 'Default HTTP.' }) protocol?: WebsiteProtocol | null;
  @Field(() => [ID], { description: 'Domains of the account; each serves one website per port.' }) domainIds!: string[];
  @Field(() => [WebsiteContentInput], { nullable: true }) contents?: WebsiteContentInput[] | null;
  @Field(() => [WebsiteDirectiveInput], { nullable: true }) directives?: WebsiteDirectiveInput[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) isActive?: boolean | null;
}

@InputType({ description: 'Omitted fields keep their value; lists are replaced whole. The name cannot change.' })
export class UpdateWebsiteInput {
  @Field(() => ID) id!: string;
  @Field(() => WebsiteProtocol, { nullable: true }) protocol?: WebsiteProtocol | null;
  @Field(() => [ID], { nullable: true }) domainIds?: string[] | null;
  @Field(() => [WebsiteContentInput], { nullable: true }) contents?: WebsiteContentInput[] | null;
  @Field(() => [WebsiteDirectiveInput], { nullable: true }) directives?: WebsiteDirectiveInput[] | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
}

@InputType()
export class WebFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
}
