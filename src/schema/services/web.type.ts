import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WebAppType } from '../../entities/web/web-app-type.js';
import { WebsiteProtocol } from '../../entities/web/website-protocol.js';
import { WebsiteDirectiveKind } from '../../entities/web/website.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(WebAppType, {
  name: 'WebAppType',
  valuesConfig: {
    STATIC: { description: 'Files served as they are.' },
    PHP: { description: 'PHP through its own PHP-FPM pool, running as the account\'s main user.' },
    SYMBOLIC_LINK: { description: 'The app\'s directory links to another directory of the home.' },
    PROCESS: { description: 'A long-running process (its command, in its directory, as the account\'s main user), kept running by supervisor.' },
  },
});
registerEnumType(WebsiteProtocol, {
  name: 'WebsiteProtocol',
  valuesConfig: {
    HTTP: { description: 'Port 80.' },
    HTTPS: { description: 'Port 443.' },
    HTTP_AND_HTTPS: { description: 'Both.' },
    HTTPS_ONLY: { description: 'Port 443; port 80 redirects to it.' },
  },
});
registerEnumType(WebsiteDirectiveKind, {
  name: 'WebsiteDirectiveKind',
  valuesConfig: {
    REDIRECT: { description: '`path` answers a permanent redirect to `value`, an http(s) URL.' },
    PROXY: { description: '`path` is passed to `value`, http://127.0.0.1:<port> (a process of the server).' },
    ERROR_DOCUMENT: { description: 'Errors of status `path` (404, 503…) show the page `value` of the site.' },
  },
});

@ObjectType('PhpIniValue')
export class PhpIniValueNode {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType('WebAppOptions')
export class WebAppOptionsNode {
  @Field(() => String, { nullable: true, description: 'Served directory, relative to the app\'s directory; null: the directory itself.' }) publicRoot!: string | null;
  @Field(() => Int, { nullable: true, description: 'PHP: seconds a request may run.' }) timeout!: number | null;
  @Field(() => Int, { nullable: true, description: 'PHP: most processes at once.' }) processes!: number | null;
  @Field(() => [PhpIniValueNode], { description: 'PHP: ini values.' }) phpIni!: PhpIniValueNode[];
  @Field(() => String, { nullable: true, description: 'Symbolic link: the directory of the home it points to.' }) target!: string | null;
  @Field(() => String, { nullable: true, description: 'PROCESS: the command that starts it.' }) command!: string | null;
  @Field(() => Int, { nullable: true, description: 'PROCESS: the loopback port it listens on (PORT in its environment).' }) port!: number | null;
}

/** GraphQL shape of a WebApp; resolvers return the ORM entity. */
@ObjectType('WebApp', { implements: Node, description: 'A web app of an account: ~/webapps/<name> of its main system user, and what runs it.' })
export class WebAppNode extends Node {
  @Field({ description: 'It cannot change.' }) name!: string;
  @Field(() => WebAppType, { description: 'It cannot change.' }) type!: WebAppType;
  @Field(() => String, { nullable: true }) phpVersion!: string | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType('WebsiteDirective')
export class WebsiteDirectiveNode {
  @Field(() => WebsiteDirectiveKind) kind!: WebsiteDirectiveKind;
  @Field() path!: string;
  @Field() value!: string;
}

@ObjectType('WebsiteContent')
export class WebsiteContentNode {
  @Field() path!: string;
  @Field(() => ID) webAppId!: string;
}

/** GraphQL shape of a Website; resolvers return the ORM entity. */
@ObjectType('WebsiteCertificate', { description: 'What the last certificate run reported of a website\'s TLS certificate (metadata only: the certificate and its key stay on the servers).' })
export class WebsiteCertificateNode {
  @Field({ description: 'ISSUED (by the last run), KEPT (valid beyond the renewal threshold) or FAILED (error says why; the other fields are the previous certificate\'s, if any).' }) state!: string;
  @Field(() => String, { nullable: true }) issuer!: string | null;
  @Field(() => Date, { nullable: true }) notAfter!: Date | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the certificate, hex.' }) fingerprint!: string | null;
  @Field(() => String, { nullable: true, description: 'The ACME error of a FAILED run.' }) error!: string | null;
  @Field() checkedAt!: Date;
}

@ObjectType('Website', { implements: Node, description: 'A website of an account: its domains on a protocol, web apps at paths, directives.' })
export class WebsiteNode extends Node {
  @Field({ description: 'It cannot change.' }) name!: string;
  @Field(() => WebsiteProtocol) protocol!: WebsiteProtocol;
  @Field(() => [String], { description: 'Domain names it answers for.' }) domains!: string[];
  @Field(() => [WebsiteDirectiveNode]) directives!: WebsiteDirectiveNode[];
  @Field({ description: 'False: the servers answer "This website is disabled." (503).' }) isActive!: boolean;
  @Field(() => WebsiteCertificateNode, { nullable: true, description: 'https websites: their certificate, once a certificate run reported it.' }) certificate!: WebsiteCertificateNode | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const WebAppConnection = Connection(WebAppNode, 'WebApp');
export const WebsiteConnection = Connection(WebsiteNode, 'Website');
