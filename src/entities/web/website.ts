import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { WebsiteProtocol } from './website-protocol.js';

/** A web app mounted at a path of a website (`/` or `/blog`). */
export interface WebsiteContent {
  path: string;
  webAppId: string;
}

export enum WebsiteDirectiveKind {
  /** `path` answers a permanent redirect to `value` (an absolute http(s) URL). */
  REDIRECT = 'REDIRECT',
  /** `path` is passed to `value` (an http URL of a local process, `http://127.0.0.1:3000`). */
  PROXY = 'PROXY',
  /** Errors of status `path` (404, 5xx…) show `value`, a path of the site. */
  ERROR_DOCUMENT = 'ERROR_DOCUMENT',
}

/**
 * The metadata of a website's TLS certificate as its last certificate run reported it (acme-certificates): never the
 * certificate or its key, which stay on the servers.
 */
export interface WebsiteCertificate {
  /** ISSUED (this run), KEPT (still valid beyond the renewal threshold) or FAILED (issuer… of the one kept, if known). */
  state: 'ISSUED' | 'KEPT' | 'FAILED';
  issuer: string | null;
  notAfter: string | null;
  /** SHA-256 of the certificate (DER), hex. */
  fingerprint: string | null;
  /** The ACME error of a FAILED run. */
  error: string | null;
  checkedAt: string;
}

export interface WebsiteDirective {
  kind: WebsiteDirectiveKind;
  path: string;
  value: string;
}

/**
 * A website of an account: domains of the account served on a port (a domain serves one website per port), web
 * apps mounted at paths, directives. Disabled (itself or its account): the servers answer the disabled response.
 */
@Entity()
@Unique({ properties: ['account', 'name'] })
export class Website extends BaseEntity<'isActive' | 'protocol' | 'contents' | 'directives'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ length: 64 })
  name!: string;

  @Enum({ items: () => WebsiteProtocol, nativeEnumName: 'website_protocol' })
  protocol: WebsiteProtocol = WebsiteProtocol.HTTP;

  /** Domain names (punycode) of the account's domains. */
  @Property({ type: 'text[]' })
  domains: string[] = [];

  @Property({ type: 'json' })
  contents: WebsiteContent[] = [];

  @Property({ type: 'json' })
  directives: WebsiteDirective[] = [];

  @Property()
  isActive: boolean = true;

  /** Written by the certificate runs' report (src/orchestration/run-reports.ts), not by use cases. */
  @Property({ type: 'json', nullable: true })
  certificate: WebsiteCertificate | null = null;
}
