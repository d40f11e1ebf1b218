import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { WebAppType } from './web-app-type.js';

/** A web app's options, checked by src/services/web/web-app.validation.ts (what is not set takes its default). */
export interface WebAppOptions {
  /** Served directory, relative to the app's directory (`public`); default the app's directory itself. */
  publicRoot?: string;
  /** PHP: seconds a request may run (request_terminate_timeout, max_execution_time). */
  timeout?: number;
  /** PHP: most FPM processes at once (pm.max_children). */
  processes?: number;
  /** PHP: ini values (php_admin_value), by directive name. */
  phpIni?: Record<string, string>;
  /** SYMBOLIC_LINK: the directory the app's directory points to, relative to the home. */
  target?: string;
  /** PROCESS: the command that starts it, run by bash in the app's directory as the account's main user. */
  command?: string;
  /** PROCESS: the loopback port it listens on (also in its environment as PORT), what a website's PROXY points to. */
  port?: number;
}

/**
 * A web app of an account: a directory `~/webapps/<name>` of its main system user and what runs it (nothing, a
 * PHP-FPM pool). Websites mount apps at paths. Its name and type never change.
 */
@Entity()
@Unique({ properties: ['account', 'name'] })
export class WebApp extends BaseEntity<'phpVersion' | 'options'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ length: 64 })
  name!: string;

  @Enum({ items: () => WebAppType, nativeEnumName: 'web_app_type' })
  type!: WebAppType;

  /** PHP apps: one of the configured versions (`8.2`). */
  @Property({ length: 8, nullable: true })
  phpVersion: string | null = null;

  @Property({ type: 'json' })
  options: WebAppOptions = {};
}
