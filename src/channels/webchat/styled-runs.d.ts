// The types of styled-runs.js (a browser script, served as it is), for the dashboard and the tests.
import type { TextStyleName } from '../../store/types.ts';

export const STYLE_TAGS: Readonly<Record<TextStyleName, 'strong' | 'em' | 'u' | 's' | 'code' | 'span'>>;

export function styledRuns(text: string, styles: unknown): [from: number, to: number, on: TextStyleName[]][];
