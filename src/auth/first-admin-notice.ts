import { writeFileSync } from 'node:fs';

/**
 * The first administrator's one-time password goes to a file readable only by the operator (0600), never to a log:
 * the notice names the file. Delete the file after logging in and changing the password.
 */
export function writeFirstAdminNotice(credentials: { username: string; password: string }, path: string): string[] {
  writeFileSync(path, `${credentials.password}\n`, { mode: 0o600 });
  return [
    `First start: administrator "${credentials.username}" was created.`,
    `  Its one-time password is in ${path} (readable by you only). Log in with the \`login\` mutation,`,
    '  change it with `changePassword`, then delete the file.',
  ];
}
