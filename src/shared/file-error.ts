// The error a person reads when a file they edit (a flow script, team.yaml, training data) is refused:
// file, line, reason and, where obvious, the fix.

/**
 * One reason a file was refused, pointing at the line to fix.
 *
 *     const error = new FileError('flows/inbound.yaml', 12, 'unknown step kind "sya"', 'did you mean "say"?');
 *     String(error); // 'flows/inbound.yaml:12: unknown step kind "sya" (did you mean "say"?)'
 */
export class FileError extends Error {
  override readonly name: string = 'FileError';

  constructor(
    /** The file as an admin knows it, e.g. `flows/inbound.yaml`. */
    readonly file: string,
    /** 1-based line in that file. */
    readonly line: number,
    /** What is wrong, without the fix. */
    message: string,
    /** How to fix it, when that is obvious. */
    readonly hint?: string,
    /** 1-based column in that line, when the reader knows it (a YAML syntax error). */
    readonly column?: number,
  ) {
    super(message);
  }

  override toString(): string {
    return `${this.file}:${this.line}: ${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}
