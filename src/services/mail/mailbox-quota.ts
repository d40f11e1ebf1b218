import type { EntityManager } from '@mikro-orm/postgresql';
import type { Mailbox } from '../../entities/mail/mailbox.js';
import { Resource } from '../../entities/resources/resource.js';
import { mailSettings, type MailSettings } from '../../config/mail-settings.js';
import { resourceValuesOf } from '../../resources/resource-values.js';
import { parseScale } from '../../resources/scale-expression.js';

/** The resource whose allocation is a mailbox's quota: `disk` on Mailbox (as django-orchestra's `resources.disk`). */
export const MAILBOX_DISK_RESOURCE = 'disk';

/**
 * A mailbox's quota in bytes: the one place it comes from. Its allocation of the active `disk` resource on Mailbox
 * (its own or the resource's default) times the resource's scale; without such a resource, or without an allocation
 * (on demand), the configured default (ORCHESTRA_MAILBOX_QUOTA).
 */
export async function mailboxQuotaBytes(em: EntityManager, mailbox: Mailbox, settings: MailSettings = mailSettings()): Promise<number> {
  const values = (await resourceValuesOf(em, 'Mailbox', [mailbox.id])).get(mailbox.id) ?? [];
  const disk = values.find((v) => v.name === MAILBOX_DISK_RESOURCE);
  if (!disk || disk.allocated === null) return settings.defaultQuotaBytes;
  const resource = await em.findOneOrFail(Resource, { id: disk.resourceId }, { filters: false });
  const scale = parseScale(resource.scale);
  // Dovecot's quota rule needs a positive number of bytes.
  return Math.max(1, Math.round(disk.allocated * (scale.ok ? scale.value : 1)));
}

/** Whether a resource's change can change mailboxes' quotas. */
export function isMailboxDisk(resource: { model: string; name: string }): boolean {
  return resource.model === 'Mailbox' && resource.name === MAILBOX_DISK_RESOURCE;
}
