// The error a person reads when a flow script is refused: file, line, reason and, where obvious, the fix.
import { FileError } from '../shared/file-error.ts';

/**
 * One reason a flow script was refused, pointing at the line to fix.
 *
 *     const error = new FlowError('flows/inbound.yaml', 12, 'unknown step kind "sya"', 'did you mean "say"?');
 *     String(placed(error, text)); // 'flows/inbound.yaml:12:5: unknown step kind "sya" (did you mean "say"?)'
 */
export class FlowError extends FileError {
  override readonly name = 'FlowError';
}
