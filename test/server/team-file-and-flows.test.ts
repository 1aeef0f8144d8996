// team.yaml edited by hand against the flows in service: a team they hand customers to, dropped from the file,
// shows as the flow's error (log and /healthz) instead of passing unnoticed.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, eventually, shippedDataDir, start } from '../helpers.ts';

const running: Switchboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  await cleanupDirs();
});

async function health(app: Switchboard): Promise<{ status: string; fileErrors?: string[] }> {
  return (await fetch(`${app.url}/healthz`)).json() as Promise<{ status: string; fileErrors?: string[] }>;
}

describe('team.yaml saved by hand', () => {
  it('marks the flow that routes to a team the file dropped, at the flow\'s line, until the team is back', async () => {
    const dir = await shippedDataDir();
    const app = await start(dir);
    running.push(app);
    expect((await health(app)).status).toBe('ok');

    // The admin renames Sales to Shop in team.yaml; the shipped flow still routes "sales" to Sales.
    const file = join(dir, 'team.yaml');
    const shipped = await readFile(file, 'utf8');
    await writeFile(file, shipped.replace('- name: Sales', '- name: Shop').replace('teams: [Support, Sales]', 'teams: [Support, Shop]'));
    await app.directory.reload();
    expect(app.directory.teams().map((team) => team.name)).toContain('Shop');

    await eventually(() => app.flows.errors().length > 0);
    const refused = await health(app);
    expect(refused.status).toBe('degraded');
    // At the line and column of the route, as the log names it.
    expect(refused.fileErrors).toEqual([expect.stringMatching(/^flows\/inbound\.yaml:52:7: the route of intent "sales" names team "Sales", which team\.yaml does not have/)]);
    // The last good version keeps serving: its customers go to the first team, as at run time.
    expect(app.flows.forTrigger('conversation.opened', 'contact').map((flow) => flow.name)).toEqual(['inbound']);

    await writeFile(file, shipped);
    await app.directory.reload();
    await eventually(() => app.flows.errors().length === 0);
    expect((await health(app)).status).toBe('ok');
  }, 30_000);
});

describe('/healthz', () => {
  it('names every refused file alike, a flow script, team.yaml and a training file, at its line and column', async () => {
    const dir = await shippedDataDir();
    await writeFile(join(dir, 'flows', 'broken.yaml'), 'flow: broken\ntrigger: { on: conversation.closed }\nsteps:\n  - say: hi\n  - sya: "Hello"\n');
    const team = join(dir, 'team.yaml');
    const mistyped = (await readFile(team, 'utf8')).replace('    max_open: 3               # auto-assignment', '    max_opn: 3                # auto-assignment');
    await writeFile(team, mistyped);
    // The shipped file's comments move Omar's line as they grow: the mistake's line is read off the file written.
    const line = mistyped.split('\n').findIndex((text) => text.startsWith('    max_opn:')) + 1;
    await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  billing:\n    - my bill is wrong\n  billing:\n    - refund please\n');
    const app = await start(dir);
    running.push(app);
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(503);
    const { fileErrors, reasons } = (await res.json()) as { fileErrors?: string[]; reasons?: string[] };
    // Each as `file:line:column: reason`: where the mistake is written, past the indentation and a list item's dash.
    expect(fileErrors).toEqual([
      'flows/broken.yaml:5:5: unknown step kind "sya" (did you mean "say"?)',
      `team.yaml:${line}:5: unknown key "max_opn" in agent "Omar" (did you mean "max_open"?)`,
      'nlp/extra.yaml:4:3: "billing" is written twice here (write it once, with all its examples under it)',
    ]);
    expect(reasons).toEqual(fileErrors!.map((error) => `refused: ${error}`));
  }, 30_000);
});

describe('/readyz', () => {
  it('stays ready while a refused file makes /healthz degraded: the last good version serves, so a load balancer keeps sending customers here', async () => {
    const dir = await shippedDataDir();
    // A copy the admin kept before editing, beside the flow it copies.
    const shipped = await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8');
    await writeFile(join(dir, 'flows', 'inbound copy.yaml'), shipped);
    const app = await start(dir);
    running.push(app);

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { status: string; fileErrors?: string[] };
    expect(body.status).toBe('degraded');
    // What pages the operator says what to do with the copy.
    expect(body.fileErrors).toEqual(['flows/inbound copy.yaml:7:1: flow name "inbound" is already used by flows/inbound.yaml (rename one of the two flows, or move a copy kept aside out of flows/, where every .yaml file is loaded)']);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    // The flow in service is the one the copy was made from.
    expect(app.flows.forTrigger('conversation.opened', 'contact').map((flow) => flow.name)).toEqual(['inbound']);
  }, 30_000);
});
