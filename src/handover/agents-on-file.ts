// The agents as team.yaml last had them (their name, where they write from, their language, their teams), kept in the
// store (collection `agents-on-file`), and how many teams and agents it had (`team-on-file`): an agent removed from
// team.yaml while the server was down is still told, at start, where each customer they held went, where and in the
// language the file used to say; the customers waiting for a team renamed meanwhile wait for it under its new name;
// and a team.yaml deleted or emptied meanwhile is not taken for one without teams and agents. The teams renamed are
// kept too (`teamNamedNow`), so that the reports count a team's closed conversations under the name it has now, and
// an agent's under the name they were renamed to (`agentNamedNow`), as told when they left the file (`LEFT`).
import { identityKey } from '../shared/identity.ts';
import { hasRightToLeft } from '../shared/text.ts';
import type { Identity, RecentMessage, Store, Tx } from '../store/types.ts';
import type { AgentState } from './agent-state.ts';
import type { DeskLanguage } from './lines.ts';
import type { Agent, Team } from './team.ts';

const AGENTS_ON_FILE = 'agents-on-file';

/** The collection of what team.yaml had in service, as its one document `SERVED`. */
const TEAM_ON_FILE = 'team-on-file';
const SERVED = 'served';
/** Its document of the teams renamed: by old name (lower case), the name each has now. */
const RENAMED = 'renamed';
/**
 * Its document of the agents who left team.yaml: by id, the id of the agent they were renamed to in the save that
 * removed them (see `renamedTo`), or null for one removed. Told then, once: an address of a removed agent given to a
 * new one later (the team's phone passed on) makes no rename of it.
 */
const LEFT = 'agents-left';

interface AgentOnFile {
  name: string;
  identities: Identity[];
  language?: DeskLanguage;
  /** Kept since team renames are followed: absent in a store of an earlier version. */
  teams?: string[];
}

/** How many teams and agents team.yaml had in service when it was last kept. */
export interface ServedCount {
  teams: number;
  agents: number;
}

const onFile = ({ name, identities, language, teams }: Agent): AgentOnFile => ({ name, identities, ...(language !== undefined ? { language } : {}), teams: [...teams] });

/**
 * Keeps the agents as team.yaml has them now, writing only those that changed since it was last kept, and how many
 * teams and agents it has.
 *
 *     await rememberRoster(store, { teams: directory.teams(), agents: directory.agents() });
 */
export async function rememberRoster(store: Store, roster: { teams: readonly Team[]; agents: readonly Agent[] }): Promise<void> {
  const kept = await store.docs<AgentOnFile>(AGENTS_ON_FILE);
  const changed = roster.agents.filter((agent) => JSON.stringify(kept.get(agent.id)) !== JSON.stringify(onFile(agent)));
  const count: ServedCount = { teams: roster.teams.length, agents: roster.agents.length };
  const counted = JSON.stringify(await store.doc<ServedCount>(TEAM_ON_FILE, SERVED)) === JSON.stringify(count);
  const left = await leftNow(store, kept, roster.agents);
  if (changed.length === 0 && counted && !left) return;
  // Read before the agents are kept anew, which is how a rename is told (see `renamedTeams`).
  const renamed = changed.length > 0 ? await renamesNow(store, kept, roster) : undefined;
  await store.transaction(`${AGENTS_ON_FILE}`, async (tx) => {
    for (const agent of changed) tx.putDoc(AGENTS_ON_FILE, agent.id, onFile(agent));
    if (!counted) tx.putDoc(TEAM_ON_FILE, SERVED, count);
    if (renamed) tx.putDoc(TEAM_ON_FILE, RENAMED, renamed);
    if (left) tx.putDoc(TEAM_ON_FILE, LEFT, left);
  });
}

/**
 * The agents who left team.yaml (see `LEFT`), with `agents` the file's now: those told before, unless back in the
 * file, and those not in it now, renamed to the agent it gives one of their addresses to, else removed. Undefined when
 * that is what the store keeps already.
 */
async function leftNow(store: Store, kept: Map<string, AgentOnFile>, agents: readonly Agent[]): Promise<Record<string, string | null> | undefined> {
  const before = (await store.doc<Record<string, string | null>>(TEAM_ON_FILE, LEFT)) ?? {};
  const inFile = new Set(agents.map((agent) => agent.id));
  const byIdentity = new Map(agents.flatMap((agent) => agent.identities.map((identity) => [identityKey(identity.channel, identity.id), agent] as const)));
  const directory = { agentByIdentity: (channel: string, id: string) => byIdentity.get(identityKey(channel, id)) };
  const left: Record<string, string | null> = {};
  for (const [id, to] of Object.entries(before)) if (!inFile.has(id)) left[id] = to;
  for (const [id, was] of kept) if (!inFile.has(id) && !(id in left)) left[id] = renamedTo({ id, ...was, teams: [], maxOpen: 0 }, directory)?.id ?? null;
  return JSON.stringify(left) === JSON.stringify(before) ? undefined : left;
}

/**
 * The teams renamed, by old name (lower case), with `roster` the team.yaml now: those renamed before, followed to the
 * name they have now (`Billing` → `Payments` → `Accounts`: `Accounts` for both), and those this change renamed; not a
 * name team.yaml has again. Undefined when that is what the store keeps already.
 */
async function renamesNow(store: Store, kept: Map<string, AgentOnFile>, roster: { teams: readonly Team[]; agents: readonly Agent[] }): Promise<Record<string, string> | undefined> {
  const before = (await store.doc<Record<string, string>>(TEAM_ON_FILE, RENAMED)) ?? {};
  const named = new Set(roster.teams.map((team) => team.name.toLowerCase()));
  const teamNow = await renamedTeams(store, { teams: () => [...roster.teams], agent: (id) => roster.agents.find((agent) => agent.id === id) });
  const renamed: Record<string, string> = {};
  for (const [old, now] of Object.entries(before)) if (!named.has(old)) renamed[old] = now;
  for (const old of new Set([...kept.values()].flatMap((agent) => (agent.teams ?? []).map((team) => team.toLowerCase())))) {
    const now = named.has(old) ? undefined : teamNow(old);
    if (now) renamed[old] = now.name;
  }
  for (const [old, now] of Object.entries(renamed)) renamed[old] = renamed[now.toLowerCase()] ?? now;
  return JSON.stringify(renamed) === JSON.stringify(before) ? undefined : renamed;
}

/**
 * The name team.yaml gives now to a team a conversation names: the one it was renamed to (see `renamesNow`), else its
 * own (a team removed, not renamed, stays as it was).
 *
 *     (await teamNamedNow(store))('Billing'); // 'Payments'
 */
export async function teamNamedNow(store: Pick<Store, 'doc'>): Promise<(team: string) => string> {
  const renamed = (await store.doc<Record<string, string>>(TEAM_ON_FILE, RENAMED)) ?? {};
  return (team) => renamed[team.toLowerCase()] ?? team;
}

/**
 * How team.yaml names now an agent a conversation names: `id`, that of the agent they were renamed to (the same
 * address, see `renamedTo`: `Omar` → `Omar Khalid`, as told when they left the file, followed through a second
 * rename), else their own (in service as they are, or removed); `removed`, the names of those removed, by id, as the
 * file last had them. A new agent given a removed one's address later is not them: they start with no conversations.
 *
 *     const named = await agentNamedNow(store, directory);
 *     named.id('omar'); // 'omar-khalid'
 *     named.removed.get('lina'); // 'Lina'
 */
export async function agentNamedNow(
  store: Pick<Store, 'docs' | 'doc'>, directory: { agent(id: string): Agent | undefined; agentByIdentity(channel: string, id: string): Agent | undefined },
): Promise<{ id: (id: string) => string; removed: ReadonlyMap<string, string> }> {
  const kept = await store.docs<AgentOnFile>(AGENTS_ON_FILE);
  const left = (await store.doc<Record<string, string | null>>(TEAM_ON_FILE, LEFT)) ?? {};
  // Where `id` went: through each rename told (`omar` → `omar-khalid` → `omar-k`), to an agent in the file or removed.
  const followed = (id: string): string => {
    let at = id;
    for (let hops = Object.keys(left).length; hops > 0 && !directory.agent(at) && typeof left[at] === 'string'; hops--) at = left[at] as string;
    return at;
  };
  const now = new Map<string, string>();
  const removed = new Map<string, string>();
  for (const [id, was] of kept) {
    if (directory.agent(id)) continue;
    // One who left before the store told renames (an earlier version's): by the addresses of the file now, as before.
    const renamed = id in left ? followed(id) : renamedTo({ id, ...was, teams: [], maxOpen: 0 }, directory)?.id;
    if (renamed !== undefined && renamed !== id) now.set(id, renamed);
    if (renamed === undefined || !directory.agent(renamed)) removed.set(renamed ?? id, kept.get(renamed ?? id)?.name ?? was.name);
  }
  return { id: (id) => now.get(id) ?? id, removed };
}

/**
 * How many teams and agents team.yaml had in service when the server last kept it (see `rememberRoster`); none for a
 * store that never kept it.
 *
 *     const lastRun = await servedLastRun(store); // { teams: 2, agents: 3 }
 */
export async function servedLastRun(store: Store): Promise<ServedCount> {
  return (await store.doc<ServedCount>(TEAM_ON_FILE, SERVED)) ?? { teams: 0, agents: 0 };
}

/**
 * The agent in service who is `was` under another name: team.yaml gives them one of the addresses `was` had. An
 * agent's id is their name's slug, so a name corrected (`Omar` → `Omar Khalid`) reads as one agent removed and
 * another added; the address says it is the same person, who keeps their customers and their status.
 *
 *     renamedTo(removedOmar, directory)?.id; // 'omar-khalid'
 */
export function renamedTo(was: Agent, directory: { agentByIdentity(channel: string, id: string): Agent | undefined }): Agent | undefined {
  for (const identity of was.identities) {
    const now = directory.agentByIdentity(identity.channel, identity.id);
    if (now && now.id !== was.id) return now;
  }
  return undefined;
}

/**
 * Gives the agent `to` the state (status, where they last wrote from…) the agent `from` had, unless `to` has one of
 * their own already: see `renamedTo`.
 *
 *     await carryState(tx, 'omar', omarKhalid);
 */
export async function carryState(tx: Tx, from: string, to: Agent): Promise<void> {
  if (await tx.doc(AGENT_STATES, to.id)) return;
  const state = await tx.doc(AGENT_STATES, from);
  if (state) tx.putDoc(AGENT_STATES, to.id, state);
}

/** The agents' states (see `agent-state.ts`), by agent id. */
const AGENT_STATES = 'agents';

/**
 * The agent `id` as team.yaml last had them, in no team any more. One removed before the store kept them (a store of
 * an earlier version) is found where the bot last reached them: where they last wrote from (`replyTo`), else where
 * the bot's last notice to them in `conversationId` went; in the language the bot's notices to them there were worded
 * in (English when none says), by their id, as nothing kept says their name. Undefined when none of these is kept.
 *
 *     const gone = await agentOnFile(tx, conversation.agentId, conversation.id);
 */
export async function agentOnFile(tx: Tx, id: string, conversationId?: number): Promise<Agent | undefined> {
  const kept = await tx.doc<AgentOnFile>(AGENTS_ON_FILE, id);
  if (kept) return { id, ...kept, teams: [], maxOpen: 0 };
  const notices = conversationId === undefined ? [] : (await tx.recentMessages(conversationId, RECENT_LOOKED_AT)).filter((message) => message.toAgent && message.agentId === id);
  const last = notices.at(-1);
  const reached = (await tx.doc<AgentState>(AGENT_STATES, id))?.replyTo ?? (last ? { channel: last.channel, id: last.address } : undefined);
  if (!reached) return undefined;
  const language = notices.map(wordedIn).filter((each) => each !== undefined).at(-1);
  return { id, name: id, identities: [reached], teams: [], maxOpen: 0, ...(language !== undefined ? { language } : {}) };
}

/**
 * The agent team.yaml once gave the address `channel`/`id` to, as the store kept them, when the file gives it to nobody
 * now (see `rememberRoster`): someone removed from it. Undefined for anyone else.
 *
 *     (await formerAgentAt(store, directory, 'telegram', '9001'))?.name; // 'Omar', removed from team.yaml
 */
export async function formerAgentAt(
  store: Pick<Store, 'docs'>, directory: { agentByIdentity(channel: string, id: string): Agent | undefined }, channel: string, id: string,
): Promise<Agent | undefined> {
  if (directory.agentByIdentity(channel, id)) return undefined;
  for (const [agentId, kept] of await store.docs<AgentOnFile>(AGENTS_ON_FILE)) {
    if (kept.identities.some((identity) => identity.channel === channel && identity.id === id)) return { id: agentId, ...kept, teams: [], maxOpen: 0 };
  }
  return undefined;
}

/** How many of a conversation's last messages are looked through for the notices to its removed agent. */
const RECENT_LOOKED_AT = 200;

/**
 * The language the bot worded a notice to an agent in: the one it names (a notice with files), else that of its own
 * words: not a customer's message relayed, nor the names and texts it sets apart (isolates: an Arabic customer's name in
 * an English card, a Latin one in an Arabic card). Undefined when it says nothing of its own.
 *
 *     wordedIn({ text: 'أُسندت إليك المحادثة #4 …' }); // 'ar'
 */
function wordedIn(notice: Pick<RecentMessage, 'text' | 'language' | 'relayOf'>): DeskLanguage | undefined {
  if (notice.language === 'ar' || notice.language === 'en') return notice.language;
  if (notice.relayOf !== undefined) return undefined;
  const own = notice.text.replace(/\u2068[^\u2069]*\u2069/g, '');
  return hasRightToLeft(own) ? 'ar' : /[A-Za-z]/.test(own) ? 'en' : undefined;
}

/**
 * What each team no longer in team.yaml was renamed to, as far as the agents tell: the team, newly named (no agent on
 * file was in a team so named), that most of the agents once in it are in now (the first in team.yaml of those tied).
 * A team renamed while customers wait in its queue (`Billing` → `Payments`) is then one removed and one added, and its
 * customers would go to the first team with agents. Undefined for a team no agent on file was in, or whose agents are
 * in no newly named team (it went: see `rehome`).
 *
 *     (await renamedTeams(store, directory))('Billing')?.name; // 'Payments'
 */
export async function renamedTeams(store: Store, directory: { teams(): Team[]; agent(id: string): Agent | undefined }): Promise<(team: string) => Team | undefined> {
  const kept = await store.docs<AgentOnFile>(AGENTS_ON_FILE);
  const lower = (name: string) => name.toLowerCase();
  const known = new Set([...kept.values()].flatMap((agent) => (agent.teams ?? []).map(lower)));
  const fresh = directory.teams().filter((team) => !known.has(lower(team.name)));
  return (team) => {
    const was = [...kept].filter(([, agent]) => agent.teams?.some((name) => lower(name) === lower(team))).map(([id]) => directory.agent(id));
    const counts = fresh.map((candidate) => was.filter((agent) => agent?.teams.some((name) => lower(name) === lower(candidate.name))).length);
    const most = Math.max(0, ...counts);
    return most > 0 ? fresh[counts.indexOf(most)] : undefined;
  };
}
