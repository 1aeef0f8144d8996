// team.yaml's text into teams and agents, every refusal naming the line and the fix. Which keys name an agent's
// address on a channel (and a team's desk) is not written here: the channels state it (`AddressKey`).
import { FileError, type KnownFileError } from '../shared/file-error.ts';
import { LANGUAGE_TAG } from '../flows/language.ts';
import { z } from 'zod';
import { describeIssue, yamlType } from '../shared/schema-issues.ts';
import { suggest } from '../shared/suggest.ts';
import { knownYamlError, parseYamlSource, type Path, type YamlSource } from '../shared/yaml-source.ts';
import type { Identity } from '../store/types.ts';
import { isTimeZone } from './reports.ts';
import { agentId, sameTeam, STRATEGIES, type AddressKey, type Agent, type Team } from './team.ts';

/** Everything team.yaml defines, in file order. */
export interface Roster {
  teams: Team[];
  agents: Agent[];
}

/**
 * One reason team.yaml was refused, pointing at the line to fix.
 *
 *     String(new TeamFileError('team.yaml', 7, 'unknown team "Biling"', 'did you mean "Billing"?'));
 *     // 'team.yaml:7: unknown team "Biling" (did you mean "Billing"?)'
 */
export class TeamFileError extends FileError {
  override readonly name = 'TeamFileError';
}

/** An empty roster: no teams, no agents (a missing or emptied team.yaml). */
export const EMPTY_ROSTER: Roster = { teams: [], agents: [] };

// YAML reads `telegram: 9001` and an unquoted `whatsapp: +15550001` as numbers; ids are text everywhere else.
const address = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().trim().min(1, 'must not be empty'),
);

const title = z.string().trim().min(1, 'a title cannot be empty');

// An IANA name; whether the clock can be read in it is checked by hand (`#zone`), for a message naming whose it is.
const timeZone = z.string().trim().min(1, 'must not be empty');

const fileSchema = z
  .object({
    teams: z.array(z.unknown()).nullish(),
    agents: z.array(z.unknown()).nullish(),
    // The time zone of every agent and desk that names none of its own.
    timezone: timeZone.optional(),
  })
  .strict();

/** The schemas of a team and an agent, with the address keys the channels state. */
function schemasFor(keys: readonly AddressKey[]) {
  const optionalAddresses = (names: string[]) => Object.fromEntries(names.map((name) => [name, address.optional()]));
  const team = z
    .object({
      name: z.string().trim().min(1, 'must not be empty'),
      strategy: z.enum(STRATEGIES).default('round_robin'),
      // What the bot says in the team's desk threads is worded in (English without it).
      language: z.enum(['en', 'ar']).optional(),
      // What customers read where a text names the team: one title, or one per language.
      title: z.union([title, z.record(z.string().regex(LANGUAGE_TAG, 'is not a language code like en, ar or pt-BR'), title)], {
        errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? 'must be a title, or a title per language' : ctx.defaultError }),
      }).optional(),
      // The zone of the times the bot says in the team's desk threads.
      timezone: timeZone.optional(),
      ...optionalAddresses(keys.filter((key) => key.desk).map(deskKey)),
    })
    .strict();
  const agent = z
    .object({
      name: z.string().trim().min(1, 'must not be empty'),
      ...optionalAddresses(keys.map((key) => key.key)),
      ...optionalAddresses(keys.filter((key) => key.secret).map(secretKey)),
      teams: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'an agent needs at least one team'),
      // Checked by hand below, for a message that says what a valid value is.
      max_open: z.unknown().optional(),
      // What the bot's answers in the agent's messaging app are worded in (English without it).
      language: z.enum(['en', 'ar']).optional(),
      // The zone of the times the bot says in the agent's messaging app (a close's, say).
      timezone: timeZone.optional(),
    })
    .strict();
  return { team, agent };
}

/** `title: الفواتير` or `title: { en: Billing, AR: الفواتير }` as titles by language tag in lower case; a plain one is English. */
function titlesByLanguage(title: string | Record<string, string>): Record<string, string> {
  if (typeof title === 'string') return { en: title };
  return Object.fromEntries(Object.entries(title).map(([tag, text]) => [tag.toLowerCase().replace(/_/g, '-'), text]));
}

/** An agent's sign-in key for a channel: `webchat_token`. */
const secretKey = (key: AddressKey): string => `${key.key}_token`;

/** Fewer characters than this in a sign-in secret are guessable. */
const MIN_SECRET_LENGTH = 16;

/** A team's desk key for a channel: `telegram_desk`. */
const deskKey = (key: AddressKey): string => `${key.key}_desk`;

const TIME_ZONE_HINT = 'an IANA time zone such as Asia/Riyadh, Europe/London or UTC';
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

// The fix for a key whose value is wrong, when the schema's message does not already say it.
const HINTS: Readonly<Record<string, string>> = {
  file: 'team.yaml has two lists, teams: and agents:, see the comments in the shipped data/team.yaml',
  'file.teams': 'list each team as "- name: Billing" on its own line under teams:',
  'file.agents': 'list each agent as "- name: Omar" on its own line under agents:',
  'team.name': 'e.g. name: Billing',
  'team.title': 'e.g. title: { en: Billing, ar: الفواتير }',
  'team.strategy': 'least_open gives each conversation to the agent holding the fewest; round_robin takes turns',
  'agent.name': 'e.g. name: Omar',
  'agent.teams': 'e.g. teams: [Billing, Support]',
  'file.timezone': TIME_ZONE_HINT,
  'team.timezone': TIME_ZONE_HINT,
  'agent.timezone': TIME_ZONE_HINT,
  team: 'a team is a map like "- name: Billing" with strategy: on the next line',
  agent: 'an agent is a map like "- name: Omar" with webchat:, teams: and max_open: below it',
};

/**
 * Why `text` cannot replace the team.yaml in service (`served`): it says nothing (empty, or comments only; undefined:
 * the file is gone) where the file in service has teams or agents. That is what an editor's save cut short leaves, a
 * disk that filled mid-write, or a file deleted or moved away, and served, it would send every agent's customers back
 * to the queue. Removing them all is written out: `teams: []` and `agents: []`. Undefined when it may.
 *
 *     emptiedError('team.yaml', '# Teams\n', directory); // team.yaml:1: team.yaml is empty, but 2 teams and 3 agents are in service…
 */
export function emptiedError(file: string, text: string | undefined, served: { teams(): readonly unknown[]; agents(): readonly unknown[] }): TeamFileError | undefined {
  const teams = served.teams().length;
  const agents = served.agents().length;
  if (teams + agents === 0 || (text !== undefined && !saysNothing(text))) return undefined;
  const missing = text === undefined;
  return new TeamFileError(
    file, 1, `${file} is ${missing ? 'missing' : 'empty'}, but ${counted(teams, 'team')} and ${counted(agents, 'agent')} are in service: ${missing ? 'a file deleted or moved away, or a save cut short, leaves it like this' : 'a save cut short leaves a file like this'}`,
    'the last good version stays in service; write the file again, or, to remove every team and agent, write teams: [] and agents: []',
    undefined, { kind: 'teamFileEmptied', teams, agents, ...(missing ? { missing } : {}) },
  );
}

/**
 * Why team.yaml as the server finds it at start (`text`; undefined: there is none) cannot be served, when the store says
 * it had `lastRun` teams and agents in service: deleted, or emptied by a save cut short, while the server was down.
 * Served, every customer waiting and every agent's would be queued for nobody. Undefined when it may.
 *
 *     lostWhileDownError('data/team.yaml', undefined, { teams: 2, agents: 3 }); // data/team.yaml:1: the file is missing, but 2 teams…
 */
export function lostWhileDownError(file: string, text: string | undefined, lastRun: { teams: number; agents: number }): TeamFileError | undefined {
  const { teams, agents } = lastRun;
  if (teams + agents === 0 || (text !== undefined && !saysNothing(text))) return undefined;
  return new TeamFileError(
    file, 1, `the file is ${text === undefined ? 'missing' : 'empty'}, but ${counted(teams, 'team')} and ${counted(agents, 'agent')} were in service when the server last ran: a file deleted, or a save cut short, leaves it like this`,
    'put the file back (from a backup, or from git); or, to run with no teams and no agents, write teams: [] and agents: []',
  );
}

/**
 * Why team.yaml refused at start (`errors`, placed at their columns: the first is named, the others are in the log)
 * cannot leave the server to start without it, when the store says it had `lastRun` teams and agents in service: a
 * syntax error, an unknown key or a bad agent written while the server was down would otherwise start it with no teams
 * and no agents, every customer waiting and every agent's queued for nobody. Undefined when it may start.
 *
 *     brokenWhileDownError('data/team.yaml', errors, { teams: 2, agents: 3 }); // data/team.yaml:10: unknown key "max_opn"…, but 2 teams…
 */
export function brokenWhileDownError(file: string, errors: readonly TeamFileError[], lastRun: { teams: number; agents: number }): TeamFileError | undefined {
  const { teams, agents } = lastRun;
  const [first] = errors;
  if (!first || teams + agents === 0) return undefined;
  const more = errors.length > 1 ? ` (and ${counted(errors.length - 1, 'more error')}, each in the log)` : '';
  return new TeamFileError(
    file, first.line, `${first.message}${more}, but ${counted(teams, 'team')} and ${counted(agents, 'agent')} were in service when the server last ran: started without the file, it would serve none of them`,
    `${first.hint ? `${first.hint}; ` : ''}fix the file and start again`, first.column, first.known,
  );
}

/** Whether team.yaml's text says nothing: empty, or comments only. */
function saysNothing(text: string): boolean {
  const parsed = parseYamlSource(text);
  return !('errors' in parsed) && (parsed.source.value === null || parsed.source.value === undefined);
}

const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Reads team.yaml's text: the teams and agents it defines, or every reason it is refused.
 *
 *     const result = parseTeamFile('team.yaml', await readFile(path, 'utf8'));
 *     if ('errors' in result) console.log(result.errors.map(String).join('\n'));
 */
export function parseTeamFile(file: string, text: string, keys: readonly AddressKey[]): { roster: Roster } | { errors: TeamFileError[] } {
  const parsed = parseYamlSource(text);
  if ('errors' in parsed) {
    return {
      errors: parsed.errors.map((error) => new TeamFileError(
        file, error.line, `YAML syntax error: ${error.reason}`, error.hint ?? 'check the indentation and quotes around here', error.column,
        knownYamlError(error),
      )),
    };
  }
  const reader = new TeamFileReader(file, parsed.source, keys);
  const roster = reader.read();
  return reader.errors.length === 0 ? { roster } : { errors: [...reader.errors].sort((a, b) => a.line - b.line) };
}

class TeamFileReader {
  readonly errors: TeamFileError[] = [];

  readonly #schemas: ReturnType<typeof schemasFor>;
  readonly #hints: Record<string, string>;
  #timeZone: string | undefined;

  constructor(private readonly file: string, private readonly source: YamlSource, private readonly keys: readonly AddressKey[]) {
    this.#schemas = schemasFor(keys);
    this.#hints = { ...HINTS };
    for (const key of keys) {
      this.#hints[`agent.${key.key}`] = key.hint;
      if (key.desk) this.#hints[`team.${deskKey(key)}`] = key.desk.hint;
    }
  }

  read(): Roster {
    const value = this.source.value;
    // An emptied file is read like a missing one.
    if (value === null || value === undefined) return EMPTY_ROSTER;
    const top = fileSchema.safeParse(value);
    if (!top.success) for (const issue of top.error.issues) this.problems(issue, fileSchema, [], this.file, 'file');
    const list = (key: 'teams' | 'agents') => (isRecord(value) && Array.isArray(value[key]) ? (value[key] as unknown[]) : []);
    const rawTeams = list('teams');
    this.#timeZone = top.success ? this.#zoneOf(top.data.timezone, ['timezone']) : undefined;
    const teams = this.teams(rawTeams);
    // Names of teams refused for another reason still count as known, so agents are not blamed for them.
    const teamNames = rawTeams.flatMap((raw) => (isRecord(raw) && typeof raw.name === 'string' ? [raw.name.trim()] : []));
    const agents = this.agents(list('agents'), teamNames);
    return { teams, agents };
  }

  private teams(raws: readonly unknown[]): Team[] {
    const teams: Team[] = [];
    const lines = new Map<string, number>();
    raws.forEach((raw, index) => {
      const at: Path = ['teams', index];
      const { fields, valid } = this.item(this.#schemas.team, raw, at, itemName('team', raw, index), 'team');
      const { name, strategy } = fields;
      if (name === undefined) return;
      const first = lines.get(name.toLowerCase());
      if (first !== undefined) {
        this.report([...at, 'name'], `team "${name}" is named twice`, `line ${first} has it already; remove one of them or rename it`, { kind: 'namedTwice', what: 'team', name, firstLine: first });
        return;
      }
      lines.set(name.toLowerCase(), this.source.lineOf([...at, 'name']));
      if (!valid || strategy === undefined) return;
      const desks = this.keys.flatMap((key) => {
        const group = key.desk ? (fields as Record<string, unknown>)[deskKey(key)] : undefined;
        return key.desk && typeof group === 'string' ? [{ key: deskKey(key), desk: { channel: key.desk.channel, group } }] : [];
      });
      if (desks.length > 1) {
        this.report(at, `team "${name}" has ${desks.length} desks`, 'a team works in one desk group; keep one of the *_desk keys', {
          kind: 'manyDesks', team: name, keys: desks.map((desk) => desk.key),
        });
        return;
      }
      teams.push({ name, strategy, ...(desks[0] ? { desk: desks[0].desk } : {}), ...(fields.language !== undefined ? { language: fields.language } : {}), ...(fields.title !== undefined ? { titles: titlesByLanguage(fields.title) } : {}), ...this.#zone(this.#zoneOf(fields.timezone, [...at, 'timezone'], { where: `team "${name}"`, known: { team: name } })) });
    });
    return teams;
  }

  private agents(raws: readonly unknown[], teamNames: readonly string[]): Agent[] {
    const agents: Agent[] = [];
    const nameLines = new Map<string, number>();
    const owners = new Map<string, { where: string; who: string | number; line: number }>();
    raws.forEach((raw, index) => {
      const at: Path = ['agents', index];
      const where = itemName('agent', raw, index);
      // The agent as the page names them: by name, or by position when the name is missing.
      const who = isRecord(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim() : index + 1;
      const { fields, valid } = this.item(this.#schemas.agent, raw, at, where, 'agent');
      const name = fields.name ?? '';
      const id = agentId(name);
      if (fields.name !== undefined) {
        const first = nameLines.get(id);
        if (id === '') this.report([...at, 'name'], `agent name "${name}" has no letter or digit`, 'name agents as their colleagues call them, e.g. name: Omar', { kind: 'nameWithoutLetters', name });
        else if (first !== undefined) this.report([...at, 'name'], `agent "${name}" is named twice`, `line ${first} has this name already; give each agent their own name`, { kind: 'namedTwice', what: 'agent', name, firstLine: first });
        else nameLines.set(id, this.source.lineOf([...at, 'name']));
      }

      const teams: string[] = [];
      (fields.teams ?? []).forEach((team, position) => {
        const known = teamNames.find((teamName) => sameTeam(teamName, team));
        if (known === undefined) {
          const suggestion = suggest(team, teamNames);
          this.report(
            [...at, 'teams', position],
            `${where} is in unknown team "${team}"`,
            suggestion !== undefined ? `did you mean "${suggestion}"?` : teamNames.length > 0 ? `teams in this file: ${teamNames.join(', ')}` : `add it under teams: first, e.g. - name: ${team}`,
            { kind: 'agentInUnknownTeam', agent: who, team, ...(suggestion !== undefined ? { suggestion } : {}), teams: [...teamNames] },
          );
        } else if (!teams.includes(known)) {
          teams.push(known);
        }
      });

      const identities: Identity[] = [];
      let identitiesValid = true;
      for (const key of this.keys) {
        const given = (fields as Record<string, unknown>)[key.key];
        if (typeof given !== 'string') continue;
        const normal = key.normalize(given);
        if (normal === undefined) {
          this.report([...at, key.key], `${key.key} "${given}" is not an address ${key.key} understands`, key.hint, { kind: 'badAddress', key: key.key, address: given, example: key.example(id) });
          identitiesValid = false;
          continue;
        }
        const owned = `${key.key}:${normal}`;
        const owner = owners.get(owned);
        if (owner) {
          this.report([...at, key.key], `${key.key} "${given}" is already given to ${owner.where} on line ${owner.line}`, 'each identity belongs to one agent; remove it from one of them', {
            kind: 'addressTaken', key: key.key, address: given, owner: owner.who, line: owner.line,
          });
        } else {
          owners.set(owned, { where, who, line: this.source.lineOf([...at, key.key]) });
        }
        for (const channel of key.channels) identities.push({ channel, id: normal });
      }
      // A refused identity was given, just wrongly: that is reported already; so is an item that is no agent at all
      // (`agents: [3]`), which has no address to add.
      if (isRecord(raw) && !this.keys.some((key) => raw[key.key] !== undefined)) {
        const names = this.keys.map((key) => key.key);
        const example = this.keys.at(-1)?.example(id) ?? 'webchat: agent-name';
        this.report(at, `${where} has no ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names.at(-1) ?? 'address'}`, `add one, so the bot knows them when they write, e.g. ${example}`, {
          kind: 'noAddress', agent: who, keys: names, example,
        });
      }

      const secrets: Record<string, string> = {};
      const missingSecrets: Record<string, string> = {};
      for (const key of this.keys) {
        if (!key.secret) continue;
        const given = (fields as Record<string, unknown>)[secretKey(key)];
        const hasAddress = typeof (fields as Record<string, unknown>)[key.key] === 'string';
        if (given === undefined) {
          if (hasAddress) {
            this.report([...at, key.key], `${where} has ${key.key} but no ${secretKey(key)}: anyone who knows the address would be ${where}`, key.secret.hint, {
              kind: 'noSecret', agent: who, key: key.key, secretKey: secretKey(key),
            });
          }
          identitiesValid = identitiesValid && !hasAddress;
          continue;
        }
        if (typeof given !== 'string') continue;
        const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(given.trim())?.[1];
        // A variable not set yet leaves this sign-in closed, not the whole file refused: the agent still works elsewhere.
        if (env !== undefined && !process.env[env]) {
          missingSecrets[key.secret.channel] = env;
          continue;
        }
        const secret = this.#secretFrom(env !== undefined ? (process.env[env] as string) : given, [...at, secretKey(key)], key);
        if (secret === undefined) identitiesValid = false;
        else secrets[key.secret.channel] = secret;
      }
      const zone = this.#zoneOf(fields.timezone, [...at, 'timezone'], { where, known: { agent: who } });
      const maxOpen = fields.max_open ?? 3;
      if (typeof maxOpen !== 'number' || !Number.isInteger(maxOpen) || maxOpen < 1) {
        this.report([...at, 'max_open'], `"max_open" must be a whole number of 1 or more, not ${JSON.stringify(maxOpen)}`, 'e.g. max_open: 3, the most open conversations auto-assignment gives this agent', {
          kind: 'badMaxOpen', value: JSON.stringify(maxOpen),
        });
      } else if (valid && identitiesValid && fields.teams !== undefined) {
        agents.push({
          id, name, identities, teams, maxOpen,
          ...(fields.language !== undefined ? { language: fields.language } : {}),
          ...this.#zone(zone),
          ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
          ...(Object.keys(missingSecrets).length > 0 ? { missingSecrets } : {}),
        });
      }
    });
    return agents;
  }

  /**
   * `given` when the clock can be read in it, else undefined after reporting it as `whose` (`agent "Sara"`; the file's without) zone: a
   * misspelt one would show every time in no zone at all.
   */
  #zoneOf(given: string | undefined, at: Path, whose?: { where: string; known: { agent: string | number } | { team: string } }): string | undefined {
    if (given === undefined || isTimeZone(given)) return given;
    const suggestion = suggest(given, ZONES);
    this.report(at, `${whose !== undefined ? `${whose.where} has timezone "${given}", which` : `timezone "${given}"`} is not a time zone`, suggestion !== undefined ? `did you mean "${suggestion}"?` : TIME_ZONE_HINT, {
      kind: 'badTimeZone', zone: given, ...whose?.known, ...(suggestion !== undefined ? { suggestion } : {}),
    });
    return undefined;
  }

  /** `{ timeZone }`: a team's or an agent's own zone, else the file's; nothing for neither (UTC). */
  #zone(own: string | undefined): { timeZone?: string } {
    const zone = own ?? this.#timeZone;
    return zone !== undefined ? { timeZone: zone } : {};
  }

  /** A secret, or undefined after reporting why it cannot be used. */
  #secretFrom(value: string, at: Path, key: AddressKey): string | undefined {
    if (value.length < MIN_SECRET_LENGTH) {
      this.report(at, `${secretKey(key)} is shorter than ${MIN_SECRET_LENGTH} characters, so it could be guessed`, key.secret?.hint, {
        kind: 'shortSecret', secretKey: secretKey(key), minimum: MIN_SECRET_LENGTH,
      });
      return undefined;
    }
    return value;
  }

  // Checks one list entry against its schema and reports every issue. Returns the fields that passed too,
  // so the checks across entries (named twice, unknown team…) still run and every mistake shows at once.
  // Any error refuses the whole file, so an entry with one is never served.
  private item<T extends z.AnyZodObject>(schema: T, raw: unknown, at: Path, where: string, scope: string): { fields: Partial<z.infer<T>>; valid: boolean } {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { fields: parsed.data as z.infer<T>, valid: true };
    for (const issue of parsed.error.issues) this.problems(issue, schema, at, where, scope);
    if (!isRecord(raw)) return { fields: {}, valid: false };
    const refused = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !refused.has(key)));
    const partial = schema.partial().strip().safeParse(rest);
    return { fields: partial.success ? (partial.data as Partial<z.infer<T>>) : {}, valid: false };
  }

  private problems(issue: z.ZodIssue, schema: z.ZodTypeAny, prefix: Path, where: string, scope: string): void {
    for (const problem of describeIssue(issue, schema, where)) {
      // The hint of the innermost key that has one: a title's language (`title: { arabic: … }`) takes title's.
      const keys = [...problem.at].reverse().filter((segment): segment is string => typeof segment === 'string');
      const hint = problem.hint ?? keys.map((key) => this.#hints[`${scope}.${key}`]).find((found) => found !== undefined) ?? this.#hints[scope];
      this.report([...prefix, ...problem.at], problem.reason, hint, shaped(problem.known, issue, prefix, problem.at));
    }
  }

  private report(at: Path, reason: string, hint?: string, known?: KnownFileError): void {
    this.errors.push(new TeamFileError(this.file, this.source.lineOf(at), reason, hint, undefined, known));
  }
}

// An item written out, for a list item of the wrong type: a team, an agent, an agent's team.
const ITEM_EXAMPLES: Readonly<Record<string, string>> = { teams: '- name: Billing', agents: '- name: Omar', 'agents.teams': 'teams: [Billing, Support]' };

/**
 * `known`, or what a value of the wrong type that the schema's issue does not name is, from where it is (`prefix`: the
 * list item or the file checked, `at` within it): the whole file no map (`42`, a list), or a team or an agent no map
 * (`teams: [3]`); a list (`teams: Billing`) or a list item of the wrong type is given an item written out (`example`).
 */
function shaped(known: KnownFileError | undefined, issue: z.ZodIssue, prefix: Path, at: Path): KnownFileError | undefined {
  // `teams: Billing`: the list, with an item of it written out.
  if (known?.kind === 'wrongType' && prefix.length === 0 && known.expected === 'array' && ITEM_EXAMPLES[known.name]) return { ...known, example: ITEM_EXAMPLES[known.name] };
  if (known?.kind === 'wrongItemType') {
    const example = ITEM_EXAMPLES[[prefix[0], known.name].filter((part) => typeof part === 'string').join('.')];
    return example === undefined ? known : { ...known, example };
  }
  if (known || issue.code !== 'invalid_type' || issue.received === 'undefined' || at.length > 0) return known;
  const received = yamlType(issue.received);
  if (prefix.length === 0) return { kind: 'fileNotMap', received };
  const [list, index] = prefix;
  if (typeof list !== 'string' || typeof index !== 'number' || prefix.length !== 2) return undefined;
  return { kind: 'wrongItemType', name: list, item: index + 1, expected: 'object', received, ...(ITEM_EXAMPLES[list] ? { example: ITEM_EXAMPLES[list] } : {}) };
}

function itemName(kind: 'team' | 'agent', raw: unknown, index: number): string {
  return isRecord(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? `${kind} "${raw.name.trim()}"` : `${kind} ${index + 1}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
