import type { Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Server } from './server.js';

/** Runs a backend on a server for the objects its match expression selects (empty: all). */
@Entity()
@Unique({ properties: ['backend', 'server'] })
export class Route extends BaseEntity<'match' | 'isActive'> {
  @Property({ length: 64 })
  backend!: string;

  @ManyToOne(() => Server, { ref: true, deleteRule: 'cascade' })
  server!: Ref<Server>;

  /** A safe expression over the backend's match context, e.g. `systemuser.shell == "/bin/bash"`. */
  @Property({ type: 'text' })
  match: string = '';

  @Property()
  isActive: boolean = true;
}
