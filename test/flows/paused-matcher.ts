// Run by patterns-paused.test.ts as a process of its own, which the test pauses (SIGSTOP) and resumes: matches a
// pattern that takes a few milliseconds of CPU, over and over, until told to stop on stdin; then prints how many
// matches there were and how many ran out of time.
import { matchesWithinLimit, PatternTooSlowError } from '../../src/flows/patterns.ts';

// (a+)+b on 20 a's and no b: some 4 ms of backtracking (about a million steps), far within the limits.
const pattern = /^(?:(a+)+b)$/u;
const text = `${'a'.repeat(20)}!`;
let runs = 0;
let timedOut = 0;
let stopping = false;
process.stdin.on('data', () => (stopping = true));
process.stdout.write('ready\n');
while (!stopping) {
  // A short batch between looks at stdin: nearly all the time goes to matching.
  for (let n = 0; n < 20; n++) {
    runs++;
    try {
      matchesWithinLimit(pattern, text);
    } catch (error) {
      if (!(error instanceof PatternTooSlowError)) throw error;
      timedOut++;
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(`${JSON.stringify({ runs, timedOut })}\n`);
process.exit(0);
