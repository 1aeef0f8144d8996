// A flow file an admin saves by hand in DATA_DIR/flows while Switchboard runs (the folder is watched): what the
// dashboard's editor would warn of goes into the log, once per load, with the file, line and column to look at; the
// flow goes into service all the same, and a fixed file is not warned of again. What refuses a flow file or team.yaml
// is logged at its file, line and column the same way, and so is what refuses a training file of DATA_DIR/nlp.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, eventually, recordingLog, shippedDataDir } from '../helpers.ts';

const running: Switchboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  await cleanupDirs();
});

const survey = (comment: string, order: string) => `flow: survey
trigger: { on: conversation.closed }
steps:
  - say: "Thanks for writing to us."
  - ask: "Anything else you want to tell us?"
    ${comment}
    save: conversation.comment
  - ask: "Which order was it about?"
    ${order}
    save: conversation.order
`;

const PIN_WARNING = 'flows/survey.yaml:5:5: this question comes after the conversation closed, and with expect: text it takes whatever the customer writes next as its answer';

describe('a flow file saved by hand', () => {
  it('logs each warning once (a closing survey\'s text question, a pattern that takes any answer), at its file, line and column, and serves it; the fixed file is not warned of', async () => {
    const dir = await shippedDataDir();
    const { log, lines } = recordingLog();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir }, log, watch: true, sweepEveryMs: 0 });
    running.push(app);
    const fileWarnings = () => lines.filter((line) => line.level === 40 && typeof line.file === 'string' && typeof line.line === 'number');
    // The shipped flows have nothing to warn of.
    expect(fileWarnings()).toEqual([]);

    await writeFile(join(dir, 'flows', 'survey.yaml'), survey('expect: text', 'expect: regex:^.*$'));
    await eventually(() => app.flows.forTrigger('conversation.closed').length > 0);
    await eventually(() => fileWarnings().length >= 2);
    expect(fileWarnings()).toEqual([
      expect.objectContaining({ file: 'flows/survey.yaml', line: 5, column: 5, msg: expect.stringContaining(PIN_WARNING) }),
      expect.objectContaining({ file: 'flows/survey.yaml', line: 9, column: 5, msg: expect.stringContaining('flows/survey.yaml:9:5: this pattern accepts any answer on one line') }),
    ]);

    // Saved again with a rating (and the order number's shape shown): in service, and no warning comes with that load.
    const before = lines.length;
    await writeFile(join(dir, 'flows', 'survey.yaml'), survey('expect: number', 'expect: regex:ORD-\\d{4}\n    example: ORD-1234'));
    await eventually(() => app.flows.servedBy('flows/survey.yaml')?.source.includes('expect: number') === true);
    expect(lines.slice(before).some((line) => /in service/.test(String(line.msg)))).toBe(true);
    expect(fileWarnings()).toHaveLength(2);
  }, 60_000);

  it('logs what refuses a flow file, team.yaml or a training file at its file, line and column, in its fields and its message', async () => {
    const dir = await shippedDataDir();
    const { log, lines } = recordingLog();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir }, log, watch: true, sweepEveryMs: 0 });
    running.push(app);
    const fileErrors = () => lines.filter((line) => line.level === 50 && typeof line.line === 'number');
    expect(fileErrors()).toEqual([]);

    // A question no answer can pass, and a YAML syntax error (its column is the parser's, not the line's start).
    await writeFile(join(dir, 'flows', 'survey.yaml'), survey('expect: number', 'expect: "regex:"'));
    await writeFile(join(dir, 'flows', 'broken.yaml'), 'flow: broken\ntrigger: { on: conversation.closed }\nsteps:\n  - say: Hi: there\n');
    // A pattern that matches no text at all: the start of the answer after text.
    await writeFile(join(dir, 'flows', 'never.yaml'), survey('expect: number', "expect: 'regex:ORD-^\\d{4}'").replace('flow: survey', 'flow: never'));
    await eventually(() => fileErrors().length >= 3);
    expect(fileErrors()).toEqual([
      expect.objectContaining({ file: 'flows/broken.yaml', line: 4, column: 10, msg: expect.stringMatching(/^flows\/broken\.yaml:4:10: YAML syntax error: /) }),
      expect.objectContaining({ file: 'flows/never.yaml', line: 9, column: 5, msg: expect.stringMatching(/^flows\/never\.yaml:9:5: the pattern "ORD-\^\\d\{4\}" takes no answer at all: \^ \(the start of the answer\) comes after text/) }),
      expect.objectContaining({ file: 'flows/survey.yaml', line: 9, column: 5, msg: expect.stringMatching(/^flows\/survey\.yaml:9:5: regex: has no pattern after it, so it takes only an empty answer/) }),
    ]);

    // team.yaml with a strategy it does not know: at the strategy's line, where the key starts.
    const team = join(dir, 'team.yaml');
    const text = await readFile(team, 'utf8');
    const at = text.split('\n').findIndex((line) => /^\s+strategy:/.test(line));
    await writeFile(team, text.replace(/strategy: \w+/, 'strategy: fastest'));
    await eventually(() => fileErrors().some((line) => /team\.yaml/.test(String(line.msg))));
    expect(fileErrors().filter((line) => /team\.yaml/.test(String(line.msg)))).toEqual([
      expect.objectContaining({ file: team, line: at + 1, column: 5, msg: `team.yaml:${at + 1}:5: "strategy" must be one of round_robin, least_open (least_open gives each conversation to the agent holding the fewest; round_robin takes turns)` }),
    ]);

    // A training file with an empty example: at the example, past its dash.
    await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  billing:\n    - my bill is wrong\n    - ""\n');
    await eventually(() => fileErrors().some((line) => line.file === 'nlp/extra.yaml'), 30_000);
    expect(fileErrors().filter((line) => line.file === 'nlp/extra.yaml')).toEqual([
      expect.objectContaining({ line: 4, column: 7, msg: expect.stringMatching(/^nlp\/extra\.yaml:4:7: an example of "billing" is empty; remove it/) }),
    ]);
  }, 60_000);
});
