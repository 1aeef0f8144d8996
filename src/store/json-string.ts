// Reading one string out of a JSON text without parsing the whole text.

/**
 * The JSON string whose opening quote is at `start` of `text` (JSON as JSON.stringify writes it), decoded: sliced as
 * it is when it has no escapes, parsed when it has.
 *
 *     stringAt('{"a":"x\\"y"}', 5); // 'x"y'
 */
export function stringAt(text: string, start: number): string {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    // A quote after an odd number of backslashes is escaped: the string goes on.
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}
