/**
 * An address's automatic answer (a Sieve `vacation` on the mail servers): sent once per sender every `days` days
 * while active and inside the window. Stored with its address (one-to-one, never shared).
 */
export interface Autoresponse {
  isActive: boolean;
  /** ISO dates (YYYY-MM-DD), inclusive; null: open. */
  from: string | null;
  until: string | null;
  /** One line, no control characters (it becomes a mail header). */
  subject: string;
  message: string;
  /** Once per sender every that many days, 1 to 365. */
  days: number;
}
