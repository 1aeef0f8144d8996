// The types of console-words.js (a browser script, served as it is), for the tests that import it.

export type ConsoleWords = Record<string, string | Record<string, string> | ((...args: never[]) => string)> & { dir: 'ltr' | 'rtl' };

export const CONSOLE_WORDS: Readonly<Record<'en' | 'ar', ConsoleWords>>;

export function consoleLanguage(stored: string | null | undefined, browser?: string): 'en' | 'ar';
export function storedLanguage(): string | null;
export function storeLanguage(language: 'en' | 'ar'): void;
