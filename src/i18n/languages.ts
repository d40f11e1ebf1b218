/**
 * The languages Orchestra's own texts are written in (the original's catalogues: English, Spanish, Catalan). An
 * account may have any ISO 639-1 language (`Account.language`); texts for one not listed here are English.
 */
export const TEXT_LANGUAGES = ['en', 'es', 'ca'] as const;
export type TextLanguage = (typeof TEXT_LANGUAGES)[number];
export const DEFAULT_TEXT_LANGUAGE: TextLanguage = 'en';

/** The language to write texts in for an account's language: itself when Orchestra has its texts, else English. */
export function textLanguageOf(language: unknown): TextLanguage {
  const code = typeof language === 'string' ? language.toLowerCase() : '';
  return (TEXT_LANGUAGES as readonly string[]).includes(code) ? (code as TextLanguage) : DEFAULT_TEXT_LANGUAGE;
}
