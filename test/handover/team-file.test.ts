import type { Reloader } from '../../src/shared/reloader.ts';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseTeamFile, type Roster } from '../../src/handover/team-file.ts';
import { TeamDirectory } from '../../src/handover/directory.ts';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import { eventually, memoryLog, tempDir } from './helpers.ts';

const good = `teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: round_robin
    telegram_desk: -1001234567890
agents:
  - name: Omar Khalid
    telegram: 9001
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [Billing, support]
    max_open: 2
  - name: Sara
    whatsapp: "+1 (555) 555-0001"
    teams: [Support]
`;

/** The refusals of a team.yaml text, as an admin reads them. */
function errorsOf(text: string): string[] {
  const result = parseTeamFile('team.yaml', text, ADDRESS_KEYS);
  return 'errors' in result ? result.errors.map(String) : [];
}

describe('team.yaml is read', () => {
  it('into teams and agents, with ids, identities as text, canonical team names and max_open 3 by default', () => {
    const result = parseTeamFile('team.yaml', good, ADDRESS_KEYS);
    expect(result).toEqual({
      roster: {
        teams: [
          { name: 'Billing', strategy: 'least_open' },
          { name: 'Support', strategy: 'round_robin', desk: { channel: 'telegram', group: '-1001234567890' } },
        ],
        agents: [
          {
            id: 'omar-khalid',
            name: 'Omar Khalid',
            identities: [{ channel: 'telegram', id: '9001' }, { channel: 'webchat', id: 'agent-omar' }],
            teams: ['Billing', 'Support'],
            maxOpen: 2,
            secrets: { webchat: 'test-token-0123456789abcdef' },
          },
          // A WhatsApp number reaches the agent on both WhatsApp channels, written as they write it: digits with the country code.
          { id: 'sara', name: 'Sara', identities: [{ channel: 'whatsapp-web', id: '15555550001' }, { channel: 'whatsapp-cloud', id: '15555550001' }], teams: ['Support'], maxOpen: 3 },
        ],
      },
    });
  });

  it('gives a team round_robin when it names no strategy', () => {
    expect(parseTeamFile('team.yaml', 'teams:\n  - name: Sales\n', ADDRESS_KEYS)).toEqual({ roster: { teams: [{ name: 'Sales', strategy: 'round_robin' }], agents: [] } });
  });

  it('as empty when the file is empty or its lists are', () => {
    expect(parseTeamFile('team.yaml', '# nobody yet\n', ADDRESS_KEYS)).toEqual({ roster: { teams: [], agents: [] } });
    expect(parseTeamFile('team.yaml', 'teams:\nagents:\n', ADDRESS_KEYS)).toEqual({ roster: { teams: [], agents: [] } });
  });

  it('from the shipped data/team.yaml without errors', async () => {
    const shipped = await readFile(new URL('../../data/team.yaml', import.meta.url), 'utf8');
    const result = parseTeamFile('team.yaml', shipped, ADDRESS_KEYS);
    expect('errors' in result ? result.errors.map(String) : []).toEqual([]);
    if (!('roster' in result)) return;
    expect(result.roster.teams).toEqual([
      { name: 'Billing', strategy: 'least_open', titles: { en: 'Billing', ar: 'الفواتير' } },
      { name: 'Support', strategy: 'round_robin', titles: { en: 'Support', ar: 'الدعم الفني' } },
      { name: 'Sales', strategy: 'round_robin', titles: { en: 'Sales', ar: 'المبيعات' } },
    ]);
    expect(result.roster.agents.map((agent) => agent.id)).toEqual(['omar', 'sara', 'lina']);
    expect(result.roster.agents[0]?.identities).toContainEqual({ channel: 'webchat', id: 'agent-omar' });
    expect(result.roster.agents[0]?.identities).toContainEqual({ channel: 'telegram', id: '9001' });
  });
});

// Each refusal names the exact line an admin has to fix, and how.
describe('team.yaml is refused with file, line and fix', () => {
  it('on a YAML syntax error', () => {
    expect(errorsOf('teams:\n  - name: Billing\n    strategy: [least_open\n')).toEqual([
      expect.stringMatching(/^team\.yaml:\d+:\d+: YAML syntax error: .+ \(check the indentation and quotes around here\)$/),
    ]);
  });

  it('on unknown keys, at the top, in a team and in an agent', () => {
    expect(errorsOf('team:\n  - name: Billing\n')).toEqual(['team.yaml:1: unknown key "team" in team.yaml (did you mean "teams"?)']);
    expect(errorsOf('teams:\n  - name: Billing\n    stratgy: least_open\n')).toEqual([
      'team.yaml:3: unknown key "stratgy" in team "Billing" (did you mean "strategy"?)',
    ]);
    expect(errorsOf('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing]\n    max_opn: 2\n')).toEqual([
      'team.yaml:7: unknown key "max_opn" in agent "Omar" (did you mean "max_open"?)',
    ]);
  });

  it('on a bad strategy', () => {
    expect(errorsOf('teams:\n  - name: Billing\n    strategy: least_opn\n')).toEqual([
      'team.yaml:3: "strategy" must be one of round_robin, least_open (did you mean "least_open"?)',
    ]);
    expect(errorsOf('teams:\n  - name: Billing\n    strategy: random\n')).toEqual([
      'team.yaml:3: "strategy" must be one of round_robin, least_open (least_open gives each conversation to the agent holding the fewest; round_robin takes turns)',
    ]);
  });

  it('on a title that is empty, or given for something that is no language', () => {
    expect(errorsOf('teams:\n  - name: Billing\n    title: { arabic: الفواتير }\n')).toEqual([
      'team.yaml:3: "arabic": is not a language code like en, ar or pt-BR (e.g. title: { en: Billing, ar: الفواتير })',
    ]);
    expect(errorsOf('teams:\n  - name: Billing\n    title: ""\n')).toEqual(['team.yaml:3: "title": a title cannot be empty (e.g. title: { en: Billing, ar: الفواتير })']);
  });

  it('on a team named twice, whatever the case', () => {
    expect(errorsOf('teams:\n  - name: Billing\n  - name: Support\n  - name: billing\n')).toEqual([
      'team.yaml:4: team "billing" is named twice (line 2 has it already; remove one of them or rename it)',
    ]);
  });

  it('on an agent named twice', () => {
    const text = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing]\n  - name: omar\n    telegram: 1002\n    teams: [Billing]\n';
    expect(errorsOf(text)).toEqual(['team.yaml:7: agent "omar" is named twice (line 4 has this name already; give each agent their own name)']);
  });

  it('on an agent in an unknown team', () => {
    expect(errorsOf('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams:\n      - Support\n      - Biling\n')).toEqual([
      'team.yaml:7: agent "Omar" is in unknown team "Support" (teams in this file: Billing)',
      'team.yaml:8: agent "Omar" is in unknown team "Biling" (did you mean "Billing"?)',
    ]);
  });

  it('on one identity given to two agents', () => {
    const text = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n  - name: Sara\n    telegram: "9001"\n    teams: [Billing]\n';
    expect(errorsOf(text)).toEqual([
      'team.yaml:8: telegram "9001" is already given to agent "Omar" on line 5 (each identity belongs to one agent; remove it from one of them)',
    ]);
  });

  it('on a max_open that is not a positive whole number', () => {
    const agentWith = (maxOpen: string) => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing]\n    max_open: ${maxOpen}\n`;
    const fix = '(e.g. max_open: 3, the most open conversations auto-assignment gives this agent)';
    expect(errorsOf(agentWith('0'))).toEqual([`team.yaml:7: "max_open" must be a whole number of 1 or more, not 0 ${fix}`]);
    expect(errorsOf(agentWith('2.5'))).toEqual([`team.yaml:7: "max_open" must be a whole number of 1 or more, not 2.5 ${fix}`]);
    expect(errorsOf(agentWith('three'))).toEqual([`team.yaml:7: "max_open" must be a whole number of 1 or more, not "three" ${fix}`]);
  });

  it('on an agent with no identity', () => {
    expect(errorsOf('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    teams: [Billing]\n')).toEqual([
      'team.yaml:4: agent "Omar" has no telegram, whatsapp, msteams or webchat (add one, so the bot knows them when they write, e.g. webchat: agent-omar)',
    ]);
  });

  it('on a web chat agent without a sign-in secret, or with a short one; a secret in an unset variable only closes that sign-in', () => {
    const agent = (extra: string) => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n${extra}    teams: [Billing]\n`;
    expect(errorsOf(agent(''))).toEqual([
      'team.yaml:5: agent "Omar" has webchat but no webchat_token: anyone who knows the address would be agent "Omar" (a long random secret the agent signs in with at /agent (e.g. from `openssl rand -hex 24`), or env:NAME to read it from the environment variable NAME)',
    ]);
    expect(errorsOf(agent('    webchat_token: hunter2\n'))).toEqual([
      'team.yaml:6: webchat_token is shorter than 16 characters, so it could be guessed (a long random secret the agent signs in with at /agent (e.g. from `openssl rand -hex 24`), or env:NAME to read it from the environment variable NAME)',
    ]);
    delete process.env.SB_TEST_UNSET_TOKEN;
    const unset = parseTeamFile('team.yaml', agent('    webchat_token: env:SB_TEST_UNSET_TOKEN\n'), ADDRESS_KEYS);
    expect(unset).toMatchObject({ roster: { agents: [{ name: 'Omar', missingSecrets: { webchat: 'SB_TEST_UNSET_TOKEN' } }] } });
    process.env.SB_TEST_SET_TOKEN = 'from-the-environment-0123';
    expect(parseTeamFile('team.yaml', agent('    webchat_token: env:SB_TEST_SET_TOKEN\n'), ADDRESS_KEYS)).toMatchObject({ roster: { agents: [{ secrets: { webchat: 'from-the-environment-0123' } }] } });
    delete process.env.SB_TEST_SET_TOKEN;
  });

  it('saying what the commonest errors are (a YAML syntax error, an unknown key, a missing one), for a page that words them', () => {
    const known = (text: string) => {
      const result = parseTeamFile('team.yaml', text, ADDRESS_KEYS);
      return 'errors' in result ? result.errors.map((error) => error.known) : [];
    };
    expect(known('teams:\n  - name: Billing\n    strategy: [least_open\n')).toEqual([{ kind: 'yamlSyntax', detail: expect.any(String) }]);
    // A control character pasted into a name, and a title that starts with ! (YAML's tag): said in the page's words too.
    expect(known('teams:\n  - name: Bill\u0000ing\n')).toEqual([{ kind: 'controlCharacter', character: 'U+0000 (NUL)', escaped: false }]);
    expect(known('teams:\n  - name: "Bill\\ting\\e"\n')).toEqual([{ kind: 'controlCharacter', character: 'U+001B (ESC)', escaped: true }]);
    expect(known('teams:\n  - name: Billing\n    title: !Billing desk\n')).toEqual([{ kind: 'yamlTag', tag: '!Billing' }]);
    expect(known('teams:\n  - name: Billing\n    title: *Billing* desk\n')).toEqual([{ kind: 'yamlAlias', alias: '*Billing*' }]);
    // An anchor before a key, meant for the whole team: removed, not quoted.
    expect(known('teams:\n  - &billing name: Billing\n')).toEqual([{ kind: 'yamlAlias', alias: '&billing', key: 'name' }]);
    // Aliases of aliases past the parser's limit (a "billion laughs"): a few lines that would read as gigabytes.
    const ten = (item: string) => `[${Array(10).fill(item).join(', ')}]`;
    expect(known(`teams:\n  - name: Billing\n    a: &a ${ten('lol')}\n    b: &b ${ten('*a')}\n    c: ${ten('*b')}\n`)).toEqual([{ kind: 'yamlAliasLimit', limit: 100 }]);
    expect(known('teams:\n  - name: Billing\n    stratgy: least_open\n')).toEqual([
      { kind: 'unknownKey', name: 'stratgy', suggestion: 'strategy', allowed: expect.arrayContaining(['name', 'strategy', 'language']) },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - telegram: 1001\n    teams: [Billing]\n')).toEqual([{ kind: 'missingKey', name: 'name' }]);
  });

  it('saying what its own errors are (an unknown team, a name written twice, an address given twice, none or wrong, a sign-in secret missing or short, a bad max_open, a wrong or empty value), for a page that words them', () => {
    const known = (text: string) => {
      const result = parseTeamFile('team.yaml', text, ADDRESS_KEYS);
      return 'errors' in result ? result.errors.map((error) => error.known) : [];
    };
    expect(known('teams:\n  - name: Billing\n  - name: Support\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Suport, Sales]\n  - telegram: 1002\n    teams: [Sales]\n')).toEqual([
      { kind: 'agentInUnknownTeam', agent: 'Omar', team: 'Suport', suggestion: 'Support', teams: ['Billing', 'Support'] },
      { kind: 'agentInUnknownTeam', agent: 'Omar', team: 'Sales', teams: ['Billing', 'Support'] },
      { kind: 'missingKey', name: 'name' },
      { kind: 'agentInUnknownTeam', agent: 2, team: 'Sales', teams: ['Billing', 'Support'] },
    ]);
    expect(known('agents:\n  - name: Omar\n    telegram: 1001\n    teams: [Sales]\n')).toEqual([{ kind: 'agentInUnknownTeam', agent: 'Omar', team: 'Sales', teams: [] }]);
    expect(known('teams:\n  - name: Billing\n  - name: billing\n')).toEqual([{ kind: 'namedTwice', what: 'team', name: 'billing', firstLine: 2 }]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n  - name: omar\n    telegram: "9001"\n    teams: [Billing]\n')).toEqual([
      { kind: 'namedTwice', what: 'agent', name: 'omar', firstLine: 4 },
      { kind: 'addressTaken', key: 'telegram', address: '9001', owner: 'Omar', line: 5 },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    teams: [Billing]\n')).toEqual([
      { kind: 'noAddress', agent: 'Omar', keys: ['telegram', 'whatsapp', 'msteams', 'webchat'], example: 'webchat: agent-omar' },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing]\n    max_open: three\n')).toEqual([{ kind: 'badMaxOpen', value: '"three"' }]);
    expect(known('timezone: Nowhere\nteams:\n  - name: Billing\n    timezone: Mars/Base\nagents:\n  - name: Sara\n    telegram: 1001\n    teams: [Billing]\n    timezone: Asia/Riyadth\n')).toEqual([
      { kind: 'badTimeZone', zone: 'Nowhere' }, { kind: 'badTimeZone', zone: 'Mars/Base', team: 'Billing' }, { kind: 'badTimeZone', zone: 'Asia/Riyadth', agent: 'Sara', suggestion: 'Asia/Riyadh' },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: abc\n    teams: [Billing]\n')).toEqual([
      { kind: 'badAddress', key: 'telegram', address: 'abc', example: 'telegram: 9001' },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n    teams: [Billing]\n')).toEqual([
      { kind: 'noSecret', agent: 'Omar', key: 'webchat', secretKey: 'webchat_token' },
    ]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n    webchat_token: hunter2\n    teams: [Billing]\n')).toEqual([
      { kind: 'shortSecret', secretKey: 'webchat_token', minimum: 16 },
    ]);
    expect(known('teams:\n  - name: ""\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: []\n')).toEqual([{ kind: 'empty', name: 'name' }, { kind: 'empty', name: 'teams' }]);
    expect(known('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing, " "]\n  - name: "!!"\n    telegram: 1002\n    teams: [Billing]\n')).toEqual([
      { kind: 'emptyItem', name: 'teams', item: 2 },
      { kind: 'nameWithoutLetters', name: '!!' },
    ]);
    // Telegram alone has desks today: a second channel's desk key, as one would be added.
    const withTeamsDesks = ADDRESS_KEYS.map((key) => (key.key === 'msteams' ? { ...key, desk: { channel: 'botframework', hint: 'a Teams channel id' } } : key));
    const twoDesks = parseTeamFile('team.yaml', 'teams:\n  - name: Support\n    telegram_desk: -1001234567890\n    msteams_desk: "19:abc@thread.tacv2"\n', withTeamsDesks);
    expect('errors' in twoDesks ? twoDesks.errors.map((error) => [String(error), error.known]) : twoDesks).toEqual([[
      'team.yaml:2: team "Support" has 2 desks (a team works in one desk group; keep one of the *_desk keys)',
      { kind: 'manyDesks', team: 'Support', keys: ['telegram_desk', 'msteams_desk'] },
    ]]);
    expect(known('teams:\n  - name: Billing\n    strategy: least_opn\n  - name: Support\n    strategy: random\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: Billing\n')).toEqual([
      { kind: 'notOneOf', name: 'strategy', suggestion: 'least_open', allowed: ['round_robin', 'least_open'] },
      { kind: 'notOneOf', name: 'strategy', allowed: ['round_robin', 'least_open'] },
      { kind: 'wrongType', name: 'teams', expected: 'array', received: 'string' },
    ]);
  });

  it('saying what a file, a list or a list item of the wrong shape is, with an item written out, for a page that words them', () => {
    const refusals = (text: string) => {
      const result = parseTeamFile('team.yaml', text, ADDRESS_KEYS);
      return 'errors' in result ? result.errors.map((error) => [String(error), error.known]) : [];
    };
    // A team or an agent that is no map: the English as before, now with its kind.
    expect(refusals('teams: [""]\n')).toEqual([[
      'team.yaml:1: team 1 must be a map, not a text (a team is a map like "- name: Billing" with strategy: on the next line)',
      { kind: 'wrongItemType', name: 'teams', item: 1, expected: 'object', received: 'string', example: '- name: Billing' },
    ]]);
    expect(refusals('teams:\n  - name: Billing\n  - 3\n  - null\n').map(([, known]) => known)).toEqual([
      { kind: 'wrongItemType', name: 'teams', item: 2, expected: 'object', received: 'number', example: '- name: Billing' },
      { kind: 'wrongItemType', name: 'teams', item: 3, expected: 'object', received: 'null', example: '- name: Billing' },
    ]);
    // An agent that is no map is that alone: not also an agent without an address.
    expect(refusals('agents: [3]\n')).toEqual([[
      'team.yaml:1: agent 1 must be a map, not a number (an agent is a map like "- name: Omar" with webchat:, teams: and max_open: below it)',
      { kind: 'wrongItemType', name: 'agents', item: 1, expected: 'object', received: 'number', example: '- name: Omar' },
    ]]);
    // An agent's team that is no name.
    expect(refusals('teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 1001\n    teams: [Billing, 3]\n')).toEqual([[
      'team.yaml:6: item 2 of "teams" must be a text, not a number (e.g. teams: [Billing, Support])',
      { kind: 'wrongItemType', name: 'teams', item: 2, expected: 'string', received: 'number', example: 'teams: [Billing, Support]' },
    ]]);
    // A list that is no list.
    expect(refusals('teams: 3\nagents: Omar\n').map(([, known]) => known)).toEqual([
      { kind: 'wrongType', name: 'teams', expected: 'array', received: 'number', example: '- name: Billing' },
      { kind: 'wrongType', name: 'agents', expected: 'array', received: 'string', example: '- name: Omar' },
    ]);
    // A file that is no map of keys.
    for (const [text, received] of [['42\n', 'number'], ['- Billing\n', 'array'], ['Billing\n', 'string'], ['true\n', 'boolean']]) {
      expect(refusals(text!), text).toEqual([[expect.stringMatching(/^team\.yaml:1: team\.yaml must be a map, not /), { kind: 'fileNotMap', received }]]);
    }
    // An empty file, or empty lists, are no mistake.
    expect(refusals('null\n')).toEqual([]);
    expect(refusals('teams: null\nagents:\n')).toEqual([]);
  });

  it('on wrong value types and missing keys, with the fix', () => {
    expect(errorsOf('teams: Billing\n')).toEqual(['team.yaml:1: "teams" must be a list, not a text (list each team as "- name: Billing" on its own line under teams:)']);
    expect(errorsOf('teams:\n  - name: Billing\nagents:\n  - telegram: 1001\n    teams: Billing\n')).toEqual([
      'team.yaml:4: missing "name" in agent 1 (e.g. name: Omar)',
      'team.yaml:5: "teams" must be a list, not a text (e.g. teams: [Billing, Support])',
    ]);
  });

  it('with every mistake at once, in line order', () => {
    const text = 'teams:\n  - name: Billing\n    strategy: fastest\n  - name: Billing\nagents:\n  - name: Omar\n    teams: [Sales]\n    max_open: -1\n';
    expect(errorsOf(text).map((error) => error.slice(0, error.indexOf(':', 10)))).toEqual(['team.yaml:3', 'team.yaml:4', 'team.yaml:6', 'team.yaml:7', 'team.yaml:8']);
  });
});

describe('TeamDirectory', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let directories: TeamDirectory[];

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir.dir, 'team.yaml');
    directories = [];
  });
  afterEach(async () => {
    for (const directory of directories) directory.close();
    await dir.remove();
  });

  async function load(watch = false) {
    const log = memoryLog();
    const directory = await TeamDirectory.load({ file, addressKeys: ADDRESS_KEYS, log, watch });
    directories.push(directory);
    return { directory, log };
  }

  it('answers who is who', async () => {
    await writeFile(file, good);
    const { directory } = await load();
    expect(directory.errors()).toEqual([]);
    expect(directory.teams().map((team) => team.name)).toEqual(['Billing', 'Support']);
    expect(directory.team('billing')?.strategy).toBe('least_open');
    expect(directory.team('Sales')).toBeUndefined();
    expect(directory.agents().map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
    expect(directory.agent('omar-khalid')?.name).toBe('Omar Khalid');
    expect(directory.agentByIdentity('telegram', '9001')?.id).toBe('omar-khalid');
    expect(directory.agentByIdentity('webchat', 'agent-omar')?.id).toBe('omar-khalid');
    expect(directory.agentByIdentity('whatsapp-cloud', '15555550001')?.id).toBe('sara');
    expect(directory.agentByIdentity('webchat', '9001')).toBeUndefined();
    expect(directory.agentsOfTeam('SUPPORT').map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
  });

  it('has no teams, no agents and no error without a file', async () => {
    const { directory } = await load();
    expect(directory.teams()).toEqual([]);
    expect(directory.agents()).toEqual([]);
    expect(directory.errors()).toEqual([]);
  });

  it('serves nothing from a file refused at first load, and reports it', async () => {
    await writeFile(file, 'teams:\n  - name: Billing\n    strategy: fastest\n');
    const { directory, log } = await load();
    expect(directory.teams()).toEqual([]);
    expect(directory.errors()).toMatchObject([{ file: 'team.yaml', line: 3, message: '"strategy" must be one of round_robin, least_open' }]);
    expect(log.lines).toContainEqual({ level: 'error', msg: 'team.yaml:3:5: "strategy" must be one of round_robin, least_open (least_open gives each conversation to the agent holding the fewest; round_robin takes turns)' });
  });

  it('keeps the last good version when an edit breaks the file, until it is fixed', async () => {
    await writeFile(file, good);
    const { directory, log } = await load();
    const before = directory.agents();

    await writeFile(file, good.replace('teams: [Support]', 'teams: [Suport]'));
    await directory.reload();
    expect(directory.agents()).toEqual(before);
    expect(directory.agentByIdentity('whatsapp-cloud', '15555550001')?.id).toBe('sara');
    expect(directory.errors().map(String)).toEqual(['team.yaml:16:5: agent "Sara" is in unknown team "Suport" (did you mean "Support"?)']);
    expect(log.lines).toContainEqual({ level: 'warn', msg: 'team.yaml was refused; the last good version stays in service' });

    await writeFile(file, good.replace('teams: [Support]', 'teams: [Billing]'));
    await directory.reload();
    expect(directory.errors()).toEqual([]);
    expect(directory.agent('sara')?.teams).toEqual(['Billing']);
  });

  it('tells listeners what changed, and only when something did', async () => {
    await writeFile(file, good);
    const { directory } = await load();
    const changes: [Roster, Roster][] = [];
    const stop = directory.onChange((before, after) => changes.push([before, after]));

    await directory.reload();
    expect(changes).toEqual([]);

    await writeFile(file, good.replace(/  - name: Sara[\s\S]*$/, ''));
    await directory.reload();
    expect(changes).toHaveLength(1);
    expect(changes[0]![0].agents.map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
    expect(changes[0]![1].agents.map((agent) => agent.id)).toEqual(['omar-khalid']);

    stop();
    await writeFile(file, good);
    await directory.reload();
    expect(changes).toHaveLength(1);
    expect(directory.agent('sara')).toBeDefined();
  });

  it('reloads by itself when the file is saved', async () => {
    await writeFile(file, good);
    const { directory } = await load(true);
    await writeFile(file, good.replace('max_open: 2', 'max_open: 5'));
    await eventually(() => directory.agent('omar-khalid')?.maxOpen === 5);
  });

  it('reloads by itself when an editor replaces the file with a new one', async () => {
    await writeFile(file, good);
    const { directory } = await load(true);
    const saved = join(dir.dir, '.team.yaml.tmp');
    await writeFile(saved, good.replace('name: Sara', 'name: Sara Ali'));
    await rename(saved, file);
    await eventually(() => directory.agent('sara-ali') !== undefined);

    // The watch follows the new file, not the replaced one.
    await writeFile(file, good);
    await eventually(() => directory.agent('sara') !== undefined);
  });

  it('keeps serving through a broken save picked up by itself', async () => {
    await writeFile(file, good);
    const { directory } = await load(true);
    await writeFile(file, `${good}  - name: Lina\n    teams: [Billing]\n`);
    await eventually(() => directory.errors().length > 0);
    expect(directory.errors().map(String)).toEqual([
      'team.yaml:17:5: agent "Lina" has no telegram, whatsapp, msteams or webchat (add one, so the bot knows them when they write, e.g. webchat: agent-lina)',
    ]);
    expect(directory.agents().map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
  });

  it('refuses a file emptied over one in service (a save cut short), serves it when it says so, and an empty one at first', async () => {
    await writeFile(file, '# nothing yet\n');
    const { directory, log } = await load();
    expect(directory.errors()).toEqual([]);

    await writeFile(file, good);
    await directory.reload();
    await writeFile(file, '# Teams and agents\n\n');
    await directory.reload();
    expect(directory.agents().map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
    expect(directory.errors().map(String)).toEqual([
      'team.yaml:1:1: team.yaml is empty, but 2 teams and 2 agents are in service: a save cut short leaves a file like this (the last good version stays in service; write the file again, or, to remove every team and agent, write teams: [] and agents: [])',
    ]);
    expect(log.lines).toContainEqual({ level: 'warn', msg: 'team.yaml was refused; the last good version stays in service' });

    await writeFile(file, 'teams: []\nagents: []\n');
    await directory.reload();
    expect(directory.errors()).toEqual([]);
    expect(directory.agents()).toEqual([]);
  });

  it('refuses the file removed over one in service, like an emptied one, and serves it put back', async () => {
    await writeFile(file, good);
    const { directory } = await load(true);
    await rm(file);
    await eventually(() => directory.errors().length > 0);
    expect(directory.errors().map(String)).toEqual([
      'team.yaml:1:1: team.yaml is missing, but 2 teams and 2 agents are in service: a file deleted or moved away, or a save cut short, leaves it like this (the last good version stays in service; write the file again, or, to remove every team and agent, write teams: [] and agents: [])',
    ]);
    expect(directory.agents().map((agent) => agent.id)).toEqual(['omar-khalid', 'sara']);
    await writeFile(file, good.replace('max_open: 2', 'max_open: 4'));
    await eventually(() => directory.errors().length === 0);
    expect(directory.agent('omar-khalid')?.maxOpen).toBe(4);
  });

  it('ignores other files changing in the same folder', async () => {
    await writeFile(file, good);
    const { directory } = await load(true);
    // Reloads happen inside the directory's reloader; count them there.
    const reload = vi.spyOn((directory as unknown as { reloader: Reloader }).reloader, 'reload');
    await writeFile(join(dir.dir, 'store.jsonl'), 'x');
    await writeFile(join(dir.dir, 'other.yaml'), 'teams: []\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reload).not.toHaveBeenCalled();

    await writeFile(file, good.replace('max_open: 2', 'max_open: 4'));
    await eventually(() => directory.agent('omar-khalid')?.maxOpen === 4);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
