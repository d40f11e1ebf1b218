/**
 * The Sieve scripts of a mailbox, run by Dovecot's LMTP at each delivery: `orchestra` (the active one) includes
 * `spam` (from the mailbox's spam filter) and then `custom` (the owner's own script, as written). Included, not
 * concatenated: each script keeps its own `require` lines, and the owner's line numbers stay its own.
 *
 * Spam is what the spam checker flagged with `X-Spam-Flag: YES` (SpamAssassin's header) before delivery.
 * REJECT discards it: a bounce at delivery time would go to the forged senders of spam.
 */
export type SpamFilterName = 'DISABLED' | 'SUBJECT_TAG' | 'MOVE_TO_SPAM' | 'REJECT';
export const SPAM_FILTERS: readonly SpamFilterName[] = ['DISABLED', 'SUBJECT_TAG', 'MOVE_TO_SPAM', 'REJECT'];

const SPAM_TEST = 'header :is "X-Spam-Flag" "YES"';

/** The `spam` script for a filter ('' for none). Constant text: no value of the mailbox reaches it. */
export function spamSieve(filter: SpamFilterName): string {
  switch (filter) {
    case 'DISABLED':
      return '';
    case 'SUBJECT_TAG':
      return [
        'require ["editheader", "variables"];',
        `if ${SPAM_TEST} {`,
        // Sieve's variables (RFC 5229) in plain strings, not JavaScript templates.
        // eslint-disable-next-line no-template-curly-in-string
        '  if header :matches "Subject" "*" { set "subject" "${1}"; }',
        '  deleteheader "Subject";',
        // eslint-disable-next-line no-template-curly-in-string
        '  addheader "Subject" "[SPAM] ${subject}";',
        '}',
      ].join('\n');
    case 'MOVE_TO_SPAM':
      return ['require ["fileinto", "mailbox"];', `if ${SPAM_TEST} {`, '  fileinto :create "Spam";', '  stop;', '}'].join('\n');
    case 'REJECT':
      return ['', `if ${SPAM_TEST} {`, '  discard;', '  stop;', '}'].join('\n').trimStart();
  }
}

/** The active script: includes what the mailbox has, in order ('' when it has none). */
export function mainSieve(hasSpam: boolean, hasCustom: boolean): string {
  if (!hasSpam && !hasCustom) return '';
  return ['require ["include"];', ...(hasSpam ? ['include :personal "spam";'] : []), ...(hasCustom ? ['include :personal "custom";'] : [])].join('\n');
}
