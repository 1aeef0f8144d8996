// The types of failure-words.js (a browser script, served as it is), for the dashboard, the lines agents read in their messaging apps (handover/lines.ts) and the tests.
import type { KnownFailure } from '../../types.ts';

export const FAILURE_WORDS: Readonly<Record<'en' | 'ar', Readonly<Record<KnownFailure, string>>>>;
