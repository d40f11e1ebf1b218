import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/**
 * The unit of work of one transaction: its operations and script runs were written with the change (the outbox).
 * `startedAt` is set once its workflow was started; the relay starts any committed batch where it is still null.
 */
@Entity()
export class Batch extends BaseEntity<'startedAt' | 'actor' | 'requestId' | 'traceParent'> {
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, index: true })
  startedAt: Date | null = null;

  /** Who caused it (username), for operators. */
  @Property({ length: 64 })
  actor: string = 'system';

  /** The request id of the API call that wrote it (null for schedules and the CLI): one log filter follows it. */
  @Property({ length: 64, nullable: true })
  requestId: string | null = null;

  /**
   * The W3C `traceparent` of the span that wrote it (null with tracing off): the relay and the server queues start
   * its workflows long after the request, and make them children of this span, so the trace goes on.
   */
  @Property({ length: 55, nullable: true })
  traceParent: string | null = null;
}
