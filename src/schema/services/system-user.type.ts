import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { SystemUserShell } from '../../entities/services/system-user.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(SystemUserShell, {
  name: 'SystemUserShell',
  description: 'What a system user may do when it logs in.',
  valuesConfig: {
    NOLOGIN: { description: 'FTP only: no login shell (/dev/null).' },
    RSSH: { description: 'SFTP and rsync only (/bin/rssh where the server has it, else no login).' },
    BASH: { description: 'A full shell (/bin/bash); must use its own home /home/<username>.' },
  },
});

/**
 * GraphQL shape of a SystemUser; resolvers return the ORM entity as the root value. The password hash is never a
 * field (the entity marks it hidden too); `home` and `hasPassword` are computed in the resolver.
 */
@ObjectType('SystemUser', { implements: Node, description: 'A UNIX user on the servers, owned by an account.' })
export class SystemUserNode extends Node {
  @Field({ description: 'At most 32 of [a-z0-9._-], starting with a letter. Its identity on the servers: it cannot change.' })
  username!: string;

  @Field(() => SystemUserShell)
  shell!: SystemUserShell;

  @Field(() => [String], { description: 'Usernames of other system users of the same account whose groups it joins.' })
  groups!: string[];

  @Field({ description: 'Its own flag; it is effectively active only when its account is active too.' })
  isActive!: boolean;

  @Field({ description: 'The account\'s main system user (named like the account): it cannot be deleted on its own.' })
  isMain!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const SystemUserConnection = Connection(SystemUserNode, 'SystemUser');
