import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { WebApp } from '../../entities/web/web-app.js';
import { WebAppType } from '../../entities/web/web-app-type.js';
import { Website } from '../../entities/web/website.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { checkPhpVersion, checkProcessPortFree, checkWebAppName, checkWebAppNameFree, checkWebAppOptions, type WebAppOptionsInput } from './web-app.validation.js';

/** Loads a web app the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findWebApp(em: EntityManager, globalId: string, field = 'id'): Promise<WebApp> {
  const app = await em.findOne(WebApp, { id: idOf('WebApp', globalId, field) }, { populate: ['account'] });
  if (!app) throw new NotFoundError('WebApp', field);
  return app;
}

export interface NewWebApp {
  accountId: string;
  name: string;
  type: WebAppType;
  phpVersion?: string | null;
  options?: WebAppOptionsInput | null;
}

/** Creates a web app: a directory of the account's main user and, for PHP, its pool. */
export async function createWebApp({ em, audit }: UseCase, input: NewWebApp): Promise<WebApp> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  checkWebAppName(v, input.name);
  if (v.ok) await checkWebAppNameFree(v, em, account.id, input.name);
  const phpVersion = checkPhpVersion(v, input.type, input.phpVersion);
  const options = checkWebAppOptions(v, input.type, phpVersion, input.options ?? {});
  if (v.ok) await checkProcessPortFree(v, em, options.port);
  v.check();
  const app = em.create(WebApp, { account, name: input.name, type: input.type, phpVersion, options });
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('WebApp', app.id));
  audit.changedFields = ['name', 'type', 'phpVersion', 'options'];
  return app;
}

export interface WebAppChanges {
  id: string;
  phpVersion?: string | null;
  /** Replaces every option. */
  options?: WebAppOptionsInput | null;
}

/** Changes the PHP version (the old version's pool is removed) or the options; name and type never change. */
export async function updateWebApp({ em, audit }: UseCase, input: WebAppChanges): Promise<WebApp> {
  const app = await findWebApp(em, input.id, 'input.id');
  noteTouched(audit, app.account.getEntity(), input.id);
  const v = new Validator();
  const phpVersion = input.phpVersion ? checkPhpVersion(v, app.type, input.phpVersion) : app.phpVersion;
  const options = input.options ? checkWebAppOptions(v, app.type, phpVersion, input.options) : app.options;
  if (!input.options && input.phpVersion) checkWebAppOptions(v, app.type, phpVersion, { ...app.options, phpIni: Object.entries(app.options.phpIni ?? {}).map(([name, value]) => ({ name, value })) });
  if (v.ok && input.options) await checkProcessPortFree(v, em, options.port, app.id);
  v.check();
  const changed: string[] = [];
  if (phpVersion !== app.phpVersion) {
    app.phpVersion = phpVersion;
    changed.push('phpVersion');
  }
  if (JSON.stringify(options) !== JSON.stringify(app.options)) {
    app.options = options;
    changed.push('options');
  }
  audit.changedFields = changed;
  return app;
}

/** Deletes the app's pool and directory on its servers; an app a website mounts cannot be deleted. */
export async function deleteWebApp({ em, audit }: UseCase, id: string): Promise<void> {
  const app = await findWebApp(em, id);
  noteTouched(audit, app.account.getEntity(), id);
  const sites = await em.find(Website, { account: app.account.id }, { filters: false });
  const mounting = sites.filter((s) => s.contents.some((c) => c.webAppId === app.id));
  if (mounting.length) throw new UserInputError('id', `is mounted by the website ${mounting.map((s) => s.name).join(', ')}: unmount it first`, UserErrorCode.NOT_ALLOWED);
  em.remove(app);
}
