import type { Mailbox } from '../../entities/mail/mailbox.js';
import { mailSettings, type MailSettings } from '../../config/mail-settings.js';

/**
 * A mailbox's quota in bytes: the one place it comes from. Today the configured default
 * (ORCHESTRA_MAILBOX_QUOTA); with the resources framework, the mailbox's disk allocation.
 */
export function mailboxQuotaBytes(_mailbox: Mailbox, settings: MailSettings = mailSettings()): number {
  return settings.defaultQuotaBytes;
}
