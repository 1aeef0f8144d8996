// The agents as team.yaml last had them (their name, where they write from, their language), kept in the store
// (collection `agents-on-file`): an agent removed from team.yaml while the server was down is still told, at start,
// where each customer they held went, where and in the language the file used to say.
import type { Identity, Store, Tx } from '../store/types.ts';
import type { DeskLanguage } from './lines.ts';
import type { Agent } from './team.ts';

const AGENTS_ON_FILE = 'agents-on-file';

interface AgentOnFile {
  name: string;
  identities: Identity[];
  language?: DeskLanguage;
}

const onFile = ({ name, identities, language }: Agent): AgentOnFile => ({ name, identities, ...(language !== undefined ? { language } : {}) });

/**
 * Keeps `agents` as team.yaml has them now, writing only those that changed since it was last kept.
 *
 *     await rememberAgents(store, directory.agents());
 */
export async function rememberAgents(store: Store, agents: readonly Agent[]): Promise<void> {
  const kept = await store.docs<AgentOnFile>(AGENTS_ON_FILE);
  const changed = agents.filter((agent) => JSON.stringify(kept.get(agent.id)) !== JSON.stringify(onFile(agent)));
  if (changed.length === 0) return;
  await store.transaction(`${AGENTS_ON_FILE}`, async (tx) => {
    for (const agent of changed) tx.putDoc(AGENTS_ON_FILE, agent.id, onFile(agent));
  });
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
 * The agent `id` as team.yaml last had them, in no team any more; undefined for one never kept (removed before this was).
 *
 *     const gone = await agentOnFile(tx, conversation.agentId);
 */
export async function agentOnFile(tx: Tx, id: string): Promise<Agent | undefined> {
  const kept = await tx.doc<AgentOnFile>(AGENTS_ON_FILE, id);
  return kept ? { id, ...kept, teams: [], maxOpen: 0 } : undefined;
}
