import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/** A managed host, reached over SSH with Orchestra's key. Admin-only (no account). */
@Entity()
export class Server extends BaseEntity<'sshPort' | 'sshUser' | 'description' | 'hostKeyFingerprint' | 'hostKeyAlgorithm' | 'hostKeyTrustedAt' | 'hostKeyPresented' | 'hostKeyChangedAt'> {
  /** A short unique name: the id operators and routes use (`web1`). */
  @Property({ length: 64, unique: true })
  name!: string;

  /** Host name or IP address. */
  @Property({ length: 255 })
  address!: string;

  @Property()
  sshPort: number = 22;

  @Property({ length: 32 })
  sshUser: string = 'root';

  @Property({ type: 'text' })
  description: string = '';

  /**
   * The pinned host key (`SHA256:…` as OpenSSH prints it). Null until an operator trusts it; a different key is a
   * hard error and nothing runs.
   */
  @Property({ length: 64, nullable: true })
  hostKeyFingerprint: string | null = null;

  @Property({ length: 32, nullable: true })
  hostKeyAlgorithm: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  hostKeyTrustedAt: Date | null = null;

  /**
   * Another host key than the pinned one, as a connection or probe saw it (any process: API or worker). While set,
   * nothing runs on the server and its queued operations say why; trusting a key again clears it.
   */
  @Property({ length: 64, nullable: true })
  hostKeyPresented: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  hostKeyChangedAt: Date | null = null;
}
