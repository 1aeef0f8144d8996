// After kill -9, the restarted server runs the timeouts as it starts: the embedded store is one process's at a time
// (its directory lock), so the periodic check's lease the killed process left is taken at once, not waited out (up to
// a minute: twice SWEEP_EVERY). The real server in a child process, killed with SIGKILL; the check every 30 s, as in
// production. It runs on the embedded store, so it stands aside when STORE=postgres (test/reliability/lease-kill.test.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith, visitor } from '../helpers.ts';
import { spawnServer, type ServerProcess } from '../server-process.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Support is busy; we'll get back to you within 3 seconds."
    timeout: 3s
    on_timeout: goto:late
  - close: true
  - id: late
    say: "Sorry, nobody is free right now. We'll write back by email."
`;

const team = `teams:
  - name: Support
agents:
  - name: Omar
    telegram: 9001
    teams: [Support]
`;

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(dir: string): Promise<ServerProcess> {
  const server = await spawnServer({ DATA_DIR: dir, SWEEP_EVERY: '30s' });
  running.push(server);
  return server;
}

it.skipIf(process.env.STORE === 'postgres')('moves a queued customer on at their timeout right after a kill -9 and restart, once, not a minute later', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order]\n  tech_support: [the app crashes, I cannot log in]\n');

  const first = await startServer(dir);
  const layla = visitor(first.url, 'layla', 'Layla');
  await layla.say('hi');
  await layla.say('a refund please');
  expect((await layla.messages()).at(-1)?.text).toBe('Support is busy; we\'ll get back to you within 3 seconds.');
  first.child.kill('SIGKILL');
  await first.exited;
  running.splice(running.indexOf(first), 1);

  // Restarted at once: the killed process's lease has most of its minute left, and the timeout falls due in seconds.
  const again = await startServer(dir);
  const back = visitor(again.url, 'layla', 'Layla');
  const sorry = 'Sorry, nobody is free right now. We\'ll write back by email.';
  const started = Date.now();
  while (!(await back.messages()).some((message) => message.text === sorry)) {
    if (Date.now() - started > 15_000) throw new Error(`"${sorry}" not read within 15 s of the restart (the periodic check runs every 30 s)`);
    await sleep(200);
  }
  const texts = (await back.messages()).map((message) => message.text);
  expect(texts.filter((text) => text === sorry)).toHaveLength(1);
  expect(again.output()).not.toMatch(/could not act on the timeouts/);
}, 60_000);
