import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DatabaseType } from '../../entities/services/database-type.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(DatabaseType, {
  name: 'DatabaseType',
  description: 'The database engine: each has its own servers (routes of its backends) and its own users.',
  valuesConfig: {
    MARIADB: { description: 'MariaDB (backends mariadb-users, mariadb-databases).' },
    POSTGRESQL: { description: 'PostgreSQL (backends postgresql-users, postgresql-databases).' },
  },
});

/** GraphQL shape of a DatabaseUser; resolvers return the ORM entity. The password hash is never a field. */
@ObjectType('DatabaseUser', { implements: Node, description: 'A login on the database servers of one engine, owned by an account.' })
export class DatabaseUserNode extends Node {
  @Field({ description: 'Lowercase letters, digits and "_", at most 32. Its identity on the servers: it cannot change.' })
  username!: string;

  @Field(() => DatabaseType)
  type!: DatabaseType;

  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

/** GraphQL shape of a Database; resolvers return the ORM entity. */
@ObjectType('Database', { implements: Node, description: 'A database on the servers of its engine, owned by an account.' })
export class DatabaseNode extends Node {
  @Field({ description: 'Lowercase letters, digits and "_", at most 63. Its identity on the servers: it cannot change.' })
  name!: string;

  @Field(() => DatabaseType)
  type!: DatabaseType;

  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const DatabaseUserConnection = Connection(DatabaseUserNode, 'DatabaseUser');
export const DatabaseConnection = Connection(DatabaseNode, 'Database');
