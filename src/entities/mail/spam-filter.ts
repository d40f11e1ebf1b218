/** What a mailbox does with mail the spam checker flagged (`X-Spam-Flag: YES`), in its Sieve script. */
export enum SpamFilter {
  DISABLED = 'DISABLED',
  SUBJECT_TAG = 'SUBJECT_TAG',
  MOVE_TO_SPAM = 'MOVE_TO_SPAM',
  REJECT = 'REJECT',
}
