import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditNote } from '../audit/audit-note.js';
import type { Actor } from './actor.js';

/**
 * What a use case (a change a user or Orchestra makes: create a system user, disable an account, retry an operation)
 * works with: the EntityManager of the one transaction it runs in (the collector writes the operations it implies into
 * that same transaction), who acts, and the note of what it touched for the audit log. Built by runUseCase.
 */
export interface UseCase {
  em: EntityManager;
  actor: Actor;
  audit: AuditNote;
}
