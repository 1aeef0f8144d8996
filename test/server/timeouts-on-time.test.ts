// A timeout fires when it falls due, not at the next periodic check (every 30 s): a customer told "we'll get back to
// you within a few seconds" hears back then, an assign step's `on_timeout` runs at its `timeout`, and one that fell due
// while the server was down runs as it starts, once. The check runs here every 30 s, as in production; the timeouts
// are a few seconds, so what the customer reads well before 30 s was not the check's doing.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';

const CHECK_EVERY_MS = 30_000;

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Support is busy; we'll get back to you within 2 seconds."
    timeout: 2s
    on_timeout: goto:sales
  - close: true
  - id: sales
    assign: { team: Sales }
    queued: "Moved you to Sales; someone answers within 3 seconds."
    timeout: 3s
    on_timeout: goto:late
  - id: late
    say: "Sorry, nobody is free right now. We'll write back by email."
`;

const team = `teams:
  - name: Support
    strategy: least_open
  - name: Sales
    strategy: least_open
agents:
  - name: Omar
    telegram: 9001
    teams: [Support, Sales]
    max_open: 5
`;

const apps: Switchboard[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function dataDir(): Promise<string> {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order]\n  tech_support: [the app crashes, I cannot log in]\n');
  return dir;
}

async function startApp(dir: string): Promise<Switchboard> {
  const app = await start(dir, { sweepEveryMs: CHECK_EVERY_MS });
  apps.push(app);
  return app;
}

/** Waits until `person` has read `text`; how long it took (ms). Fails past `withinMs`. */
async function reads(person: ReturnType<typeof visitor>, text: string, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await person.messages()).some((message) => message.text === text)) {
    if (Date.now() - started > withinMs) throw new Error(`"${text}" not read within ${withinMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

describe('timeouts on time', () => {
  it('moves a queued customer on at the assign step\'s timeout, and again at the next step\'s own, long before the periodic check', async () => {
    const app = await startApp(await dataDir());
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hi');
    await layla.say('a refund please');
    const texts = async () => (await layla.messages()).map((message) => message.text);
    expect((await texts()).at(-1)).toBe('Support is busy; we\'ll get back to you within 2 seconds.');

    // Nobody is online: at 2 s the customer is moved on to Sales, then at 3 s more told nobody is free; the check,
    // every 30 s, would have come only once the whole wait was long over.
    await reads(layla, 'Moved you to Sales; someone answers within 3 seconds.', CHECK_EVERY_MS / 3);
    expect((await texts()).filter((text) => text.startsWith('Sorry'))).toEqual([]);
    await reads(layla, 'Sorry, nobody is free right now. We\'ll write back by email.', CHECK_EVERY_MS / 3);
    expect(await texts()).toEqual([
      'hi', 'What do you need?', 'a refund please',
      'Support is busy; we\'ll get back to you within 2 seconds.',
      'Moved you to Sales; someone answers within 3 seconds.',
      'Sorry, nobody is free right now. We\'ll write back by email.',
    ]);
  }, 40_000);

  it('runs a timeout that fell due while the server was stopped as it starts again, once', async () => {
    const dir = await dataDir();
    const first = await startApp(dir);
    const layla = visitor(first.url, 'layla', 'Layla');
    await layla.say('hi');
    await layla.say('a refund please');
    await first.stop();
    apps.splice(apps.indexOf(first), 1);
    // Down past the 2 s of the Support queue.
    await sleep(2_500);

    const again = await startApp(dir);
    const back = visitor(again.url, 'layla', 'Layla');
    await reads(back, 'Moved you to Sales; someone answers within 3 seconds.', CHECK_EVERY_MS / 3);
    await reads(back, 'Sorry, nobody is free right now. We\'ll write back by email.', CHECK_EVERY_MS / 3);
    const texts = (await back.messages()).map((message) => message.text);
    expect(texts.filter((text) => text.startsWith('Moved you to Sales'))).toHaveLength(1);
    expect(texts.filter((text) => text.startsWith('Sorry'))).toHaveLength(1);
  }, 40_000);
});
