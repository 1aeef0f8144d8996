// Durations as people write and read them: `90s`, `15m`, `24h`, `7d` (a bare number is seconds).

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Milliseconds of a duration like `90s`, `15m`, `24h`, `7d` or a number of seconds; undefined when it is none.
 *
 *     parseDuration('10m'); // 600000
 *     parseDuration(90);    // 90000
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text * 1_000) : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS]);
}

/**
 * A duration for messages people read.
 *
 *     describeDuration(86_400_000); // '24 h'
 *     describeDuration(604_800_000); // '7 d'
 */
export function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms <= 72 * 3_600_000) return `${ms / 3_600_000} h`;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
