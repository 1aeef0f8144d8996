// "Did you mean …?": the closest known word to a typo, so a refused script says what was probably meant.

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo.
 *
 *     suggest('sya', ['say', 'ask']);        // 'say'
 *     didYouMean('asign', ['assign', 'x']);  // 'did you mean "assign"?'
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  // Long words share long prefixes (`conversation.…`), so the allowance stops growing at 3 edits.
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 4)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** A ready hint: `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = suggest(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/**
 * Optimal string alignment distance: Levenshtein plus swapped neighbours, the commonest typo ("sya").
 *
 *     editDistance('biling', 'billing'); // 1
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
