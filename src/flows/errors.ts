// The error a person reads when a flow script is refused: file, line, reason and, where obvious, the fix.
import { FileError, type KnownFileError } from '../shared/file-error.ts';

/**
 * One reason a flow script was refused, pointing at the line to fix.
 *
 *     const error = new FlowError('flows/inbound.yaml', 12, 'unknown step kind "sya"', 'did you mean "say"?', undefined, { kind: 'unknownStepKind', name: 'sya', suggestion: 'say', allowed });
 *     String(placed(error, text)); // 'flows/inbound.yaml:12:5: unknown step kind "sya" (did you mean "say"?)'
 */
export class FlowError extends FileError {
  override readonly name = 'FlowError';

  // Every flow error names its kind, which the flow editor words in the admin's language (Arabic too).
  constructor(file: string, line: number, message: string, hint: string | undefined, column: number | undefined, known: KnownFileError) {
    super(file, line, message, hint, column, known);
  }
}
