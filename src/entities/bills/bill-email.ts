import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Bill } from './bill.js';

/** Where one e-mail of a bill stands: queued (and retried) until the SMTP server takes it, or refused for good. */
export enum BillEmailState {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/**
 * One e-mail of a closed bill to its account's billing contacts (src/bills/email/). Written in the transaction that
 * closes the bill (or by `sendBill`), so a committed close always has its e-mail queued and a rolled-back one none:
 * the row is the outbox, the workflow `<queue>-bill-email-<id>` (started after commit, or by the relay) sends it.
 * Admins only: no `account`, so tenant scope shows it to nobody else.
 */
@Entity()
@Index({ properties: ['state', 'startedAt'] })
export class BillEmail extends BaseEntity<'messageId' | 'state' | 'attempts' | 'lastError' | 'sentAt' | 'startedAt' | 'smtpResponse'> {
  @ManyToOne(() => Bill, { ref: true, deleteRule: 'cascade' })
  @Index()
  bill!: Ref<Bill>;

  /** The billing contacts' addresses when it was queued. */
  @Property({ type: 'text[]' })
  recipients!: string[];

  /** Given at its first attempt and kept for every retry: a receiver sees one message however often it is tried. */
  @Property({ length: 255, nullable: true, unique: true })
  messageId: string | null = null;

  @Enum({ items: () => BillEmailState, nativeEnumName: 'bill_email_state' })
  state: BillEmailState = BillEmailState.QUEUED;

  /** Attempts to hand it to the SMTP server so far. */
  @Property()
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /** The SMTP server's answer to the message ("250 2.0.0 Ok: queued as …"). */
  @Property({ type: 'text', nullable: true })
  smtpResponse: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  /** When its workflow was started; null: the relay starts it. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  /** Who queued it: `closeBill`'s or `sendBill`'s actor. */
  @Property({ length: 128 })
  requestedBy!: string;
}
