// A key indented one space too far (or too little) in team.yaml or a flow file: the admin is pointed at that key, not
// at the start of its line, in the log, /healthz and the dashboard's editor (the API's errors put its lint marker),
// through a real server on the embedded store.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, eventually, recordingLog } from '../helpers.ts';
import { handoverDataDir } from '../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n';
// `teams:` one space too far under Omar, and `save:` one too far under its `ask:`.
const badTeam = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n     teams: [Billing]\n';
const badFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Your email?"\n     save: contact.email\n  - assign: { team: Billing }\n';
// `telegram:` too little under `- name: Omar`, `- say:` too far among the steps.
const shortTeam = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n   telegram: 9001\n';
const stepTooFar = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi"\n   - assign: { team: Billing }\n';

let app: Switchboard | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await cleanupDirs();
});

interface Placed { line: number; column: number; message: string }

it('a mis-indented key under agents: and under steps: is pointed at its own column in the log, /healthz and the editor', async () => {
  const dir = await handoverDataDir(flow, team);
  const logged = recordingLog();
  app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN }, log: logged.log, watch: true, sweepEveryMs: 0 });
  await writeFile(join(dir, 'team.yaml'), badTeam);
  await writeFile(join(dir, 'flows', 'inbound.yaml'), badFlow);
  const health = async () => (await fetch(`${app!.url}/healthz`)).text();
  await eventually(async () => /team\.yaml:\d.*inbound\.yaml:\d|inbound\.yaml:\d.*team\.yaml:\d/.test(await health()), 20_000);
  const { fileErrors } = JSON.parse(await health()) as { fileErrors: string[] };
  // One error each, at the key: not the value above it (`9001`), nor the start of the line.
  expect(fileErrors).toEqual([
    expect.stringMatching(/^flows\/inbound\.yaml:5:6: YAML syntax error: /),
    expect.stringMatching(/^team\.yaml:6:6: YAML syntax error: /),
  ]);
  const lines = logged.lines.map((line) => String(line.msg));
  expect(lines.find((line) => line.includes('team.yaml:6:'))).toContain('team.yaml:6:6:');
  expect(lines.find((line) => line.includes('inbound.yaml:5:'))).toContain('inbound.yaml:5:6:');

  // The dashboard's editor marks what its save or its check as you type answers.
  const admin = adminClient(app.url);
  const current = await admin.get<{ version: string }>('/team');
  const refused = await admin.put<{ errors: Placed[] }>('/team', { source: shortTeam, baseVersion: current.body.version });
  expect(refused.status).toBe(422);
  expect(refused.body.errors[0]).toMatchObject({ line: 5, column: 4 });
  const checked = await admin.post<{ errors: Placed[] }>('/flows/inbound/validate', { source: badFlow });
  expect(checked.body.errors[0]).toMatchObject({ line: 5, column: 6 });
  const steps = await admin.post<{ errors: Placed[] }>('/flows/inbound/validate', { source: stepTooFar });
  expect(steps.body.errors[0]).toMatchObject({ line: 5, column: 4 });
  // A tab in the indentation is the place to fix itself: marked where it is, not at the key after it.
  const tab = await admin.post<{ errors: Placed[] }>('/flows/inbound/validate', { source: 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Your email?"\n\t  save: contact.email\n' });
  expect(tab.body.errors[0]).toMatchObject({ line: 5, column: 1 });
}, 60_000);
