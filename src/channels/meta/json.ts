// JSON as Meta writes it, read without losing digits: an id is a string in Meta's payloads, but a number in some old
// ones, and an Instagram-scoped id is past what a JavaScript number holds exactly (2^53), so reading it as one would
// answer, store and look up a neighbour's id instead.

/** A number at the place it is tried (sticky). */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `JSON.parse`, but an integer no JavaScript number holds exactly is read as the string of its digits. Throws as
 * `JSON.parse` does on what is not JSON.
 *
 *     parseJson('{"sender":{"id":17841400000000001}}'); // { sender: { id: '17841400000000001' } }
 */
export function parseJson(text: string): unknown {
  // Nothing with 16 digits in a row, nothing to keep: most bodies.
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  const parts: string[] = [];
  let from = 0;
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '"') {
      // Past the string, escapes and all: digits in it are words, not numbers.
      let end = text.indexOf('"', at + 1);
      // A quote after an odd number of backslashes is escaped: the string goes on.
      while (end !== -1 && backslashesBefore(text, end) % 2 === 1) end = text.indexOf('"', end + 1);
      at = end === -1 ? text.length : end + 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = at;
      const token = NUMBER.exec(text)?.[0];
      if (token === undefined) {
        at++;
        continue;
      }
      if (!/[.eE]/.test(token) && !Number.isSafeInteger(Number(token))) {
        parts.push(text.slice(from, at), `"${token}"`);
        from = at + token.length;
      }
      at += token.length;
    } else {
      at++;
    }
  }
  parts.push(text.slice(from));
  return JSON.parse(parts.join(''));
}

/** How many backslashes stand right before `at`. */
function backslashesBefore(text: string, at: number): number {
  let count = 0;
  while (text[at - 1 - count] === '\\') count++;
  return count;
}
