import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { Validator } from '../validation/validator.js';

export const DEPLOY_ROLES = ['api', 'worker'] as const;
export const DEPLOY_ENVIRONMENTS = ['staging', 'prod'] as const;
export type DeployRole = (typeof DEPLOY_ROLES)[number];
export type DeployEnvironment = (typeof DEPLOY_ENVIRONMENTS)[number];

/** Where one role of one environment of Orchestra lives on a server. */
export interface DeployTarget {
  role: DeployRole;
  env: DeployEnvironment;
  /** /srv/orchestra/<env>/<role> */
  root: string;
  /** The supervisor program, `orchestra-<env>-<role>`. */
  program: string;
  /** The UNIX user the processes run as. */
  user: string;
}

/** Release names sort by time: `YYYYMMDDTHHMMSSZ`, optionally `-<label>`. */
const RELEASE = /^\d{8}T\d{6}Z(-[a-z0-9][a-z0-9.-]{0,40})?$/;

/** Checks a role and an environment (typed userErrors on `field.role`, `field.env`); nothing is run before. */
export function deployTarget(input: { role: string; env: string }, prefix = 'input'): DeployTarget {
  const v = new Validator(prefix);
  if (!DEPLOY_ROLES.includes(input.role as DeployRole)) v.add('role', `must be one of ${DEPLOY_ROLES.join(', ')}`);
  if (!DEPLOY_ENVIRONMENTS.includes(input.env as DeployEnvironment)) v.add('env', `must be one of ${DEPLOY_ENVIRONMENTS.join(', ')}`);
  v.check();
  const role = input.role as DeployRole;
  const env = input.env as DeployEnvironment;
  return { role, env, root: `/srv/orchestra/${env}/${role}`, program: `orchestra-${env}-${role}`, user: 'orchestra' };
}

export function checkReleaseName(name: string, field = 'input.release'): string {
  if (!RELEASE.test(name)) throw new UserInputError(field, 'must be a release name, YYYYMMDDTHHMMSSZ[-label]', UserErrorCode.INVALID);
  return name;
}

/** A new release's name: now, in UTC, to the second, with an optional label. */
export function newReleaseName(now: Date, label?: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return checkReleaseName(label ? `${stamp}-${label}` : stamp);
}
