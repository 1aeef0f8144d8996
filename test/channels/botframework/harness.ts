// The real server with the Bot Framework channel on, its authentication and its replies pointed at the fake Bot
// Framework services on 127.0.0.1, and a way to post activities as a channel does: with a JWT signed by the key the
// fake publishes, for the activity's service URL.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSwitchboard, type StartOptions, type Switchboard } from '../../../src/server/switchboard.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { dataDirWith, quietLog } from '../../helpers.ts';
import { APP_ID, APP_PASSWORD, FakeBotService } from './fake-bot-service.ts';

/** A fixture as an object, to change before posting. */
export const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

/** Omar, the agent of `teams-agent-message.json`, as the store addresses him (his Entra object id, lower case). */
export const OMAR = 'msteams:0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90';
/** team.yaml with Omar alone in Billing, working from Teams (his object id in capitals: either case finds him). */
export const OMAR_TEAM = 'teams:\n  - name: Billing\nagents:\n  - name: Omar Khalid\n    msteams: 0F8F4C7E-2B1D-4C59-9A5E-3F2D8E6B1A90\n    teams: [Billing]\n';
/** A flow that hands every customer to Billing at once. */
export const ASSIGN_FLOW = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

let next = 100;

/** A Web Chat message from Amira (`webchat-message.json`) saying `text`, with a fresh id, for `serviceUrl`. */
export function webchatText(text: string, serviceUrl: string, options: { user?: string; conversation?: string } = {}): Record<string, any> {
  const activity = fixture('webchat-message');
  const conversation = options.conversation ?? activity.conversation.id;
  return {
    ...activity, id: `${conversation}|${String(next++).padStart(7, '0')}`, text, serviceUrl,
    conversation: { id: conversation }, from: { ...activity.from, ...(options.user ? { id: options.user } : {}) },
  };
}

/** A Teams personal-chat message (`teams-agent-message.json`: Omar) saying `text`, with a fresh id, for `serviceUrl`. */
export function teamsText(text: string, serviceUrl: string, fixtureName = 'teams-agent-message'): Record<string, any> {
  return { ...fixture(fixtureName), id: String(1764000300000 + next++), text, serviceUrl };
}

export interface BotFrameworkServer {
  app: Switchboard;
  /** DATA_DIR. */
  dir: string;
  service: FakeBotService;
  /** POSTs an activity to /api/messages with a channel's JWT for its serviceUrl, or `token` (null: none). */
  post(activity: unknown, options?: { token?: string | null }): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Stops the server and starts it again over the same DATA_DIR and fake services, with `config` changed if given. */
  restart(config?: Partial<StartOptions['config']>): Promise<void>;
  stop(): Promise<void>;
}

export interface BotFrameworkServerOptions {
  flows: Record<string, string>;
  team?: string;
  log?: Logger;
  config?: Partial<StartOptions['config']>;
}

/**
 * Resolves once every reply stored so far to customers (and to the Bot Framework `addresses` of agents) has left,
 * sent or failed.
 */
export async function settled(server: BotFrameworkServer, ...addresses: string[]): Promise<void> {
  const { store } = server.app;
  const busy = async () => {
    const contacts = await store.contacts();
    const messages = [
      ...(await Promise.all(contacts.map((contact) => store.messagesOfContact(contact.id)))).flat(),
      ...(await Promise.all(addresses.map((address) => store.messagesOfAddress('botframework', address)))).flat(),
    ];
    return messages.some((message) => message.status === 'pending' || message.status === 'sending');
  };
  for (let waited = 0; await busy(); waited += 10) {
    if (waited > 10_000) throw new Error('replies still being sent after 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts the fake Bot Framework services and the server with the Bot Framework channel on. */
export async function startBotFramework(options: BotFrameworkServerOptions): Promise<BotFrameworkServer> {
  const service = await FakeBotService.start();
  const dir = await dataDirWith(options.flows);
  if (options.team) await writeFile(join(dir, 'team.yaml'), options.team);
  let config = options.config;
  const boot = () => startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir,
      MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD,
      BOTFRAMEWORK_OPENID_METADATA_URL: service.openIdMetadataUrl, BOTFRAMEWORK_LOGIN_URL: service.url,
      ...config,
    },
    log: options.log ?? quietLog,
    watch: false,
    sweepEveryMs: 0,
  });
  let app: Switchboard;
  try {
    app = await boot();
  } catch (error) {
    await service.close();
    throw error;
  }
  const server: BotFrameworkServer = {
    app,
    dir,
    service,
    async post(activity, postOptions = {}) {
      const serviceUrl = (activity as { serviceUrl?: string }).serviceUrl ?? '';
      const token = postOptions.token === undefined ? service.sign(serviceUrl) : postOptions.token;
      const res = await fetch(`${server.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
        body: typeof activity === 'string' ? activity : JSON.stringify(activity),
      });
      const answer = await res.text();
      return { status: res.status, body: answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>) };
    },
    async restart(changed) {
      if (changed) config = { ...config, ...changed };
      await server.app.stop();
      server.app = await boot();
    },
    async stop() {
      await server.app.stop();
      await service.close();
    },
  };
  return server;
}

/** A flow whose one question is a choice of two topics, then says the topic chosen. */
export const topicFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which topic?"
    expect: choice
    choices: [{ id: billing, title: Billing }, { id: tech, title: Technical }]
    save: conversation.topic
  - say: "Topic: {{conversation.topic}}"
`;
