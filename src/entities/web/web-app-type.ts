/** What a web app is on its servers (src/orchestration/backends/webapps). */
export enum WebAppType {
  /** Files served as they are from the app's directory. */
  STATIC = 'STATIC',
  /** PHP through its own PHP-FPM pool (one per app, of the chosen version), running as the account's main user. */
  PHP = 'PHP',
  /** The app's directory is a symbolic link to another directory of the account's home. */
  SYMBOLIC_LINK = 'SYMBOLIC_LINK',
  /** A long-running process (a Node or Python server) started by its command, supervised, on a port of the loopback. */
  PROCESS = 'PROCESS',
}
