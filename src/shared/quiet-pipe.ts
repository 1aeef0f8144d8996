// A command line whose output is piped into a reader that stops early (`npm run nlp -- try "…" | head -1`) ends
// quietly, as `grep` or `git log` do, instead of a stack trace for the EPIPE of its next line.

/**
 * Ends the process, with the exit code it has so far, once its standard output's reader has gone.
 *
 *     endQuietlyWhenOutputCloses();
 *     process.exitCode = await runCli(process.argv.slice(2), (line) => console.log(line));
 */
export function endQuietlyWhenOutputCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    // Whatever is left to say has no reader: nothing more is worth doing.
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}
