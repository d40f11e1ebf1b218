import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Server } from '../orchestration/server.js';

/**
 * One monitor script on one server: what it covered, what it stored, and the lines it printed that were not data.
 * Runs are read-only and outside the server's configuration queue.
 */
@Entity()
@Index({ properties: ['resourceId', 'createdAt'] })
export class MonitorRun extends BaseEntity<'state' | 'objectIds' | 'objectCount' | 'storedCount' | 'malformed' | 'exitCode' | 'stderr' | 'error' | 'startedAt' | 'finishedAt' | 'workflowId' | 'workflowRunId'> {
  @Property({ type: 'bigint', nullable: true })
  resourceId: string | null = null;

  @ManyToOne(() => Server, { ref: true, deleteRule: 'cascade' })
  server!: Ref<Server>;

  @Property({ length: 64 })
  monitor!: string;

  /** RECEIVED, STARTED, SUCCESS, FAILURE (non-zero exit), ERROR (not run: host key, SSH), TIMEOUT. */
  @Property({ length: 16 })
  state: string = 'RECEIVED';

  @Property({ type: 'text' })
  script!: string;

  /** The objects the script measures: only their lines are data. */
  @Property({ type: 'text[]' })
  objectIds: string[] = [];

  @Property()
  objectCount: number = 0;

  @Property()
  storedCount: number = 0;

  @Property({ type: 'text[]' })
  malformed: string[] = [];

  @Property({ nullable: true })
  exitCode: number | null = null;

  @Property({ type: 'text' })
  stderr: string = '';

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  @Property({ length: 255, nullable: true })
  workflowId: string | null = null;

  @Property({ length: 64, nullable: true })
  workflowRunId: string | null = null;
}
