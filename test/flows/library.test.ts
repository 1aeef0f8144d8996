import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowLibrary, resumeFlow, startFlow } from '../../src/flows/index.ts';
import { eventually, memoryLog, newRun, takeSaid, tempFlowDirs } from './helpers.ts';

const greeting = (text: string, name = 'inbound') =>
  `flow: ${name}\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "${text}"\n  - ask: "Need?"\n    save: conversation.need\n  - say: "Bye from ${text}"\n`;

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

async function load(watch = false, teams?: string[]) {
  const log = memoryLog();
  const library = await FlowLibrary.load({ dir: dirs.dir, store: dirs.store, log, watch, ...(teams ? { teams: () => teams } : {}) });
  libraries.push(library);
  return { library, log };
}
const write = (name: string, text: string) => writeFile(join(dirs.dir, name), text);

describe('FlowLibrary', () => {
  it('loads every .yaml and .yml file and finds flows by trigger', async () => {
    await write('inbound.yaml', greeting('Hi'));
    await write('agent.yml', 'flow: agent_started\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: hello\n');
    await write('survey.yaml', 'flow: survey\ntrigger: { on: conversation.closed }\nsteps:\n  - say: "How did we do?"\n');
    await write('notes.txt', 'not a flow');
    await write('.inbound.yaml.swp', 'editor junk');
    const { library } = await load();
    expect(library.errors()).toEqual([]);
    expect(library.forTrigger('conversation.opened', 'contact').map((flow) => flow.name)).toEqual(['inbound']);
    expect(library.forTrigger('conversation.opened', 'agent').map((flow) => flow.name)).toEqual(['agent_started']);
    expect(library.forTrigger('conversation.opened', 'workflow')).toEqual([]);
    expect(library.forTrigger('conversation.closed').map((flow) => flow.name)).toEqual(['survey']);
    expect(library.forTrigger('conversation.opened', 'contact')[0]?.file).toBe('flows/inbound.yaml');
  });

  it('does not load an invalid file at first load, and reports it', async () => {
    await write('inbound.yaml', greeting('Hi'));
    await write('broken.yaml', 'flow: broken\ntrigger: { on: conversation.closed }\nsteps:\n  - sya: hi\n');
    const { library, log } = await load();
    expect(library.forTrigger('conversation.closed')).toEqual([]);
    expect(library.errors().map(String)).toEqual(['flows/broken.yaml:4:5: unknown step kind "sya" (did you mean "say"?)']);
    expect(library.errors()[0]).toMatchObject({ file: 'flows/broken.yaml', line: 4, message: 'unknown step kind "sya"' });
    // The log adds the column, where the editor underlines it.
    expect(log.lines).toContainEqual({ level: 'error', msg: 'flows/broken.yaml:4:5: unknown step kind "sya" (did you mean "say"?)' });
  });

  it('keeps the last good version running when a file breaks, until it is fixed', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load();
    const good = library.forTrigger('conversation.opened', 'contact')[0]!;

    await write('inbound.yaml', greeting('Hello').replace('- say', '- sya'));
    await library.reload();
    expect(library.forTrigger('conversation.opened', 'contact')).toEqual([good]);
    expect(library.errors().map(String)).toEqual(['flows/inbound.yaml:4:5: unknown step kind "sya" (did you mean "say"?)']);

    await write('inbound.yaml', greeting('Hello'));
    await library.reload();
    const fixed = library.forTrigger('conversation.opened', 'contact')[0]!;
    expect(fixed.version).not.toBe(good.version);
    expect(library.errors()).toEqual([]);
  });

  it('logs, on each load, that of two files on one trigger the later one does not run: once, in the later file, at its trigger line', async () => {
    const closes = (name: string) => `flow: ${name}\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi"\n  - close: true\n`;
    await write('inbound.yaml', closes('inbound'));
    await write('welcome.yaml', closes('welcome'));
    const { library, log } = await load();
    const warnings = () => log.lines.filter((line) => line.level === 'warn').map((line) => line.msg);
    const shared = 'flows/welcome.yaml:2:1: flow "welcome" would not run: flow "inbound" (flows/inbound.yaml) starts on the same trigger, and of two such flows only the first file by name runs (give this flow another trigger, or remove flow "inbound" first)';
    expect(warnings()).toEqual([shared]);
    await library.reload();
    expect(warnings()).toEqual([shared, shared]);
  });

  it('says in the log that a refused file is fixed, also when the fix puts back the version already serving', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library, log } = await load();
    const good = library.forTrigger('conversation.opened', 'contact')[0]!;

    await write('inbound.yaml', greeting('Hi').replace('- say', '- sya'));
    await library.reload();
    expect(log.lines.at(-1)).toEqual({ level: 'error', msg: 'flows/inbound.yaml:4:5: unknown step kind "sya" (did you mean "say"?)' });

    // The admin undoes the mistake: the text is the one serving, so no version is new, and the log said nothing more
    // than the error, as if the file were still refused.
    await write('inbound.yaml', greeting('Hi'));
    await library.reload();
    expect(library.errors()).toEqual([]);
    // (Its warning, a flow that can run past its last step, follows on each load.)
    expect(log.lines.filter((line) => line.level !== 'warn').at(-1)).toEqual({ level: 'info', msg: `flows/inbound.yaml is fixed: flow "inbound" version ${good.version} in service` });

    // A fix that is a new version says so once, not twice.
    await write('inbound.yaml', greeting('Hi').replace('- say', '- sya'));
    await library.reload();
    const before = log.lines.length;
    await write('inbound.yaml', greeting('Hello'));
    await library.reload();
    const fixed = library.forTrigger('conversation.opened', 'contact')[0]!;
    expect(log.lines.slice(before).filter((line) => line.level === 'info').map((line) => line.msg)).toEqual([`flows/inbound.yaml is fixed: flow "inbound" version ${fixed.version} in service`]);
  });

  it('refuses a file saved in another encoding than UTF-8 at the line of its first such byte, instead of showing customers �', async () => {
    await write('inbound.yaml', greeting('Merci, à bientôt'));
    const { library } = await load();
    const good = library.forTrigger('conversation.opened', 'contact')[0]!;
    // The same text saved as Latin-1 (Windows' Notepad, an old editor): "à" is the single byte 0xE0.
    await writeFile(join(dirs.dir, 'inbound.yaml'), Buffer.from(greeting('Merci, à bientôt'), 'latin1'));
    await library.reload();
    expect(library.forTrigger('conversation.opened', 'contact')).toEqual([good]);
    expect(library.errors().map(String)).toEqual([
      'flows/inbound.yaml:4:1: the file is not UTF-8 text: this line has a character saved in another encoding (Latin-1 or Windows-1252?) (save the file as UTF-8; in most editors: Save with Encoding → UTF-8)',
    ]);
    const run = newRun();
    startFlow(library.forTrigger('conversation.opened', 'contact')[0]!, run);
    expect(takeSaid(run)).toEqual(['Merci, à bientôt', 'Need?']);
  });

  it('keeps serving the last good version of a file saved broken, after a restart too', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const first = await load();
    const good = first.library.forTrigger('conversation.opened', 'contact')[0]!;
    await write('inbound.yaml', greeting('Hello').replace('- say', '- sya'));
    await first.library.reload();
    first.library.close();
    await dirs.reopenStore();

    const { library, log } = await load();
    const served = library.forTrigger('conversation.opened', 'contact');
    expect(served.map((flow) => [flow.name, flow.version])).toEqual([['inbound', good.version]]);
    const run = newRun();
    startFlow(served[0]!, run);
    expect(takeSaid(run)).toEqual(['Hi', 'Need?']);
    expect(library.errors().map(String)).toEqual(['flows/inbound.yaml:4:5: unknown step kind "sya" (did you mean "say"?)']);
    expect(log.lines.some((line) => line.level === 'warn' && /keeps serving its last good version/.test(String(line.msg)))).toBe(true);

    // Fixed, the new text serves; a file never good is still not served.
    await write('inbound.yaml', greeting('Hello'));
    await write('other.yaml', greeting('Other', 'other').replace('- say', '- sya'));
    await library.reload();
    expect(library.forTrigger('conversation.opened', 'contact').map((flow) => flow.name)).toEqual(['inbound']);
    expect(library.forTrigger('conversation.opened', 'contact')[0]!.version).not.toBe(good.version);
  });

  it('picks up changed, added and removed files by itself', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load(true);
    const first = library.forTrigger('conversation.opened', 'contact')[0]!;

    await write('inbound.yaml', greeting('Hello'));
    await eventually(() => library.forTrigger('conversation.opened', 'contact')[0]?.version !== first.version);

    await write('survey.yaml', 'flow: survey\ntrigger: { on: conversation.closed }\nsteps:\n  - say: "Thanks"\n');
    await eventually(() => library.forTrigger('conversation.closed').length === 1);

    await rm(join(dirs.dir, 'survey.yaml'));
    await eventually(() => library.forTrigger('conversation.closed').length === 0);

    await write('inbound.yaml', 'flow: inbound\nsteps: [');
    await eventually(() => library.errors().length === 1);
    expect(library.forTrigger('conversation.opened', 'contact')).toHaveLength(1);
  });

  it('keeps old versions resolvable after a new one is published, and after a restart', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load();
    const v1 = library.forTrigger('conversation.opened', 'contact')[0]!;
    const run = newRun();
    startFlow(v1, run);
    expect(takeSaid(run)).toEqual(['Hi', 'Need?']);

    await write('inbound.yaml', greeting('Hello'));
    await library.reload();
    const v2 = library.forTrigger('conversation.opened', 'contact')[0]!;
    expect(v2.version).not.toBe(v1.version);
    expect(await library.version('inbound', v1.version)).toBe(v1);

    // A fresh process: only the stored versions know v1 now.
    await rm(join(dirs.dir, 'inbound.yaml'));
    await dirs.reopenStore();
    const { library: restarted } = await load();
    expect(restarted.forTrigger('conversation.opened', 'contact')).toEqual([]);
    const position = run.conversation.flow!;
    const resumed = (await restarted.version(position.flow, position.version))!;
    expect(resumed.version).toBe(v1.version);
    expect((await restarted.version('inbound', v2.version))?.version).toBe(v2.version);
    resumeFlow(resumed, run, { text: 'a refund' });
    expect(takeSaid(run)).toEqual(['Bye from Hi']);

    expect([...(await dirs.store.docs('flow-versions')).keys()].sort()).toEqual([`inbound@${v1.version}`, `inbound@${v2.version}`].sort());
  });

  it('answers undefined for an unknown version or a name that is not a plain flow name', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load();
    expect(await library.version('inbound', '000000000000')).toBeUndefined();
    expect(await library.version('../inbound', '000000000000')).toBeUndefined();
    expect(await library.version('nobody', 'abc')).toBeUndefined();
  });

  it('refuses a second file with a flow name already in use, naming both files', async () => {
    await write('a.yaml', greeting('A'));
    await write('b.yaml', greeting('B'));
    const { library } = await load();
    expect(library.errors().map(String)).toEqual(['flows/b.yaml:1:1: flow name "inbound" is already used by flows/a.yaml (rename one of the two flows, or move a copy kept aside out of flows/, where every .yaml file is loaded)']);
    expect(library.forTrigger('conversation.opened', 'contact').map((flow) => flow.file)).toEqual(['flows/a.yaml']);

    // The file already serving a name keeps it, even when a newcomer sorts first.
    await write('0.yaml', greeting('Zero'));
    await library.reload();
    expect(library.forTrigger('conversation.opened', 'contact').map((flow) => flow.file)).toEqual(['flows/a.yaml']);
    expect(library.errors().map(String)).toContain('flows/0.yaml:1:1: flow name "inbound" is already used by flows/a.yaml (rename one of the two flows, or move a copy kept aside out of flows/, where every .yaml file is loaded)');
  });

  it('lets a template read a field another flow saves, and refuses it once no flow does', async () => {
    await write('inbound.yaml', greeting('Hi'));
    await write('survey.yaml', 'flow: survey\ntrigger: { on: conversation.closed }\nsteps:\n  - say: "About {{conversation.need}}: how did we do?"\n');
    const { library } = await load();
    expect(library.errors()).toEqual([]);
    const survey = library.forTrigger('conversation.closed')[0]!;

    await write('inbound.yaml', greeting('Hi').replace('conversation.need', 'conversation.question'));
    await library.reload();
    expect(library.errors().map(String)).toEqual([
      'flows/survey.yaml:4:5: unknown field "conversation.need" in a template (a field exists once a flow saves it with ask … save: or set:, or use a builtin like contact.name)',
    ]);
    expect(library.forTrigger('conversation.closed')).toEqual([survey]);
  });

  it('refuses a script that names a team team.yaml does not have, in assign or in a classify route', async () => {
    const routed = (assignTeam: string, routeTeam: string) =>
      `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    routes:\n      tech_support: Support\n      billing: ${routeTeam}\n  - assign: { team: ${assignTeam} }\n`;
    await write('inbound.yaml', routed('Biling', 'Sales'));
    const { library } = await load(false, ['Billing', 'Support']);
    // At the route's own line, not the step's.
    expect(library.errors().map(String)).toEqual([
      'flows/inbound.yaml:9:7: the route of intent "billing" names team "Sales", which team.yaml does not have (teams in team.yaml: Billing, Support)',
      expect.stringMatching(/^flows\/inbound\.yaml:10:5: assign names team "Biling", which team.yaml does not have \(.*Billing.*\)$/),
    ]);
    expect(library.forTrigger('conversation.opened', 'contact')).toEqual([]);
    // A team chosen at run time ({{…}}) cannot be known at load; a known one, in any case, is fine.
    await write('inbound.yaml', routed('"{{conversation.team}}"', 'billing'));
    await library.reload();
    expect(library.errors()).toEqual([]);
  });

  it('says what a script naming a team team.yaml does not have is (the team, the intent, the team meant or the teams there are), for a page that words it', async () => {
    await write('inbound.yaml', `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    routes:\n      billing: Sales\n  - assign: { team: Biling }\n`);
    const { library } = await load(false, ['Billing', 'Support']);
    expect(library.errors().map((error) => error.known)).toEqual([
      { kind: 'unknownTeam', team: 'Sales', intent: 'billing', teams: ['Billing', 'Support'] },
      { kind: 'unknownTeam', team: 'Biling', suggestion: 'Billing', teams: ['Billing', 'Support'] },
    ]);
  });

  it('does not serve a version it could not store, and says why in its errors', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load();
    const v1 = library.forTrigger('conversation.opened', 'contact')[0]!;
    await dirs.store.close();
    await write('inbound.yaml', greeting('Hello'));
    await library.reload();
    // The store refuses the new version: the last good one keeps serving, so no conversation starts on a version a restart would lose.
    expect(library.forTrigger('conversation.opened', 'contact')).toEqual([v1]);
    expect(library.errors().map(String)).toEqual([expect.stringMatching(/^flows\/inbound\.yaml:1:1: could not store this version \(.*closed.*\); the last good version keeps serving/)]);
    await dirs.reopenStore();
  });

  it('resumes a version another process published in the shared store', async () => {
    await write('inbound.yaml', greeting('Hi'));
    const { library } = await load();
    const published = library.forTrigger('conversation.opened', 'contact')[0]!;
    // A second process has the store but not the file (it was edited since): it still finds the version.
    await rm(join(dirs.dir, 'inbound.yaml'));
    const { library: other } = await load();
    expect((await other.version('inbound', published.version))?.source).toBe(published.source);
  });
});
