/** The database engines Orchestra manages: each has its own backends (src/orchestration/backends/{mariadb,postgresql}-*). */
export enum DatabaseType {
  MARIADB = 'mariadb',
  POSTGRESQL = 'postgresql',
}
