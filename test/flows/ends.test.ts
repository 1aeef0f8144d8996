// The loader's warning for a flow that can run past its last step without `close` or `assign` (its conversation then
// closes with nothing in the script saying so): the file and line in the log, the flow still in service; none for
// flows that close or hand over on every path, for what only follows an `assign`, or for `conversation.closed` flows.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowLibrary } from '../../src/flows/index.ts';
import { memoryLog, tempFlowDirs } from './helpers.ts';

const opened = 'trigger: { on: conversation.opened, source: contact }';

let dirs: Awaited<ReturnType<typeof tempFlowDirs>>;
let libraries: FlowLibrary[];

beforeEach(async () => {
  dirs = await tempFlowDirs();
  libraries = [];
});
afterEach(async () => {
  for (const library of libraries) library.close();
  await dirs.remove();
});

async function warningsFor(source: string, dir = dirs.dir): Promise<string[]> {
  if (dir === dirs.dir) await writeFile(join(dir, 'inbound.yaml'), source);
  const log = memoryLog();
  const library = await FlowLibrary.load({ dir, store: dirs.store, log, watch: false });
  libraries.push(library);
  expect(library.errors()).toEqual([]);
  return log.lines.filter((line) => line.level === 'warn').map((line) => line.msg);
}

describe('a flow that can run past its last step', () => {
  it('is named with its file and line in a warning, and goes into service', async () => {
    const warnings = await warningsFor(`flow: inbound\n${opened}\nsteps:\n  - say: "Hi!"\n  - ask: "Your order number?"\n    save: conversation.order\n`);
    expect(warnings).toEqual([
      'flows/inbound.yaml:5:5: flow "inbound" can run past its last step without close or assign; the conversation then closes, and the customer\'s next message starts the flow again (end it with close to say so, or with assign to hand the customer to a team)',
    ]);
  });

  it('is found through a branch that can fall through to the end', async () => {
    const source = `flow: inbound\n${opened}\nsteps:\n  - branch:\n      - if: { contact.tags: vip }\n        goto: vip\n  - say: "Hello"\n  - id: vip\n    assign: { team: Billing }\n  - say: "after a person"\n`;
    // Every path meets the assign: what follows it is for after a hand back.
    expect(await warningsFor(source)).toEqual([]);
    const skips = source.replace('  - id: vip\n    assign: { team: Billing }\n', '  - goto: end\n  - id: vip\n    assign: { team: Billing }\n  - id: end\n    say: "Bye"\n');
    expect((await warningsFor(skips)).map((warning) => warning.split(':').slice(0, 2).join(':'))).toEqual(['flows/inbound.yaml:13']);
  });

  it('is not warned of when every path closes or hands over, nor for a conversation.closed flow', async () => {
    expect(await warningsFor(`flow: inbound\n${opened}\nsteps:\n  - say: "Hi!"\n  - close: true\n`)).toEqual([]);
    expect(await warningsFor(`flow: inbound\n${opened}\nsteps:\n  - ask: "Need?"\n    save: conversation.need\n  - assign: { team: Billing }\n`)).toEqual([]);
    expect(await warningsFor('flow: survey\ntrigger: { on: conversation.closed }\nsteps:\n  - ask: "How did we do, from 1 to 5?"\n    expect: number\n    save: conversation.rating\n')).toEqual([]);
  });

  it('is not the shipped inbound flow', async () => {
    expect(await warningsFor('', fileURLToPath(new URL('../../data/flows', import.meta.url)))).toEqual([]);
  });
});
