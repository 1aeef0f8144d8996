// The types of failure-words.js (a browser script, served as it is), for the dashboard and the tests that import it.
import type { KnownFailure } from '../../types.ts';

export const FAILURE_WORDS: Readonly<Record<'en' | 'ar', Readonly<Record<KnownFailure, string>>>>;
