import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/**
 * A login attempt that failed, or is being checked right now; a successful one is deleted. Counted per username and
 * per client address over a window to throttle password guessing (src/auth/login-throttle.ts). In PostgreSQL, not in
 * memory, because every API process must see the same counts.
 */
@Entity()
@Index({ properties: ['username', 'createdAt'] })
@Index({ properties: ['address', 'createdAt'] })
@Index({ properties: ['createdAt'] })
export class LoginAttempt extends BaseEntity<'address'> {
  /** As typed (normalised), whether or not such a user exists. */
  @Property({ length: 64 })
  username!: string;

  @Property({ length: 64, nullable: true })
  address: string | null = null;
}
