// A fake of WhatsApp Web behind the channel's WhatsAppClient interface: no browser. The test plays WhatsApp's side
// (emits qr, ready, messages…) and reads what the channel did (sends, pairing requests, destroys). Like the real one,
// a send reports its own `message_create` before `sendMessage` resolves.
import type { ClientSettings, DownloadedMedia, OutgoingContent, WaChat, WaMessage, WaOrderItem, WhatsAppClient, WhatsAppEvents } from '../../../src/channels/whatsapp-web/client.ts';

export const OWN = '15550000000@c.us';

export interface Sent {
  chatId: string;
  content: OutgoingContent;
  id: string;
  /** The id of the message it quotes (a reply), when it does. */
  quoted?: string;
}

/** Every client the channel made, and how WhatsApp behaves for them. */
export class FakeWhatsApp {
  readonly clients: FakeClient[] = [];
  /** When set, `initialize()` rejects with it (no Chromium, WhatsApp Web unreachable). */
  initializeError: Error | undefined;
  /** When true, `initialize()` never settles (a network that swallows WhatsApp Web's page). */
  initializeHangs = false;
  /** Files by message id, for downloadMedia. */
  readonly files = new Map<string, DownloadedMedia>();
  /** Carts' products by order message id, for orderItems (WhatsApp's answer to getOrder). */
  readonly orders = new Map<string, WaOrderItem[]>();
  /** Numbers (digits) WhatsApp says are not on WhatsApp. */
  readonly notOnWhatsApp = new Set<string>();
  /** lid ↔ phone pairs WhatsApp can tell, as ids: { lid: '98765@lid', phone: '15551234567@c.us' }. */
  readonly pairs: { lid: string; phone: string }[] = [];
  /**
   * Messages people wrote that the phone shows unread, in any chat: what a client lists when asked for its chats (a
   * chat's unread count) and their messages. They stay unread until the test takes them off, as in a chat nobody
   * answers from the phone.
   */
  readonly unread: WaMessage[] = [];
  /** When set, the next sendMessage rejects with it. */
  sendError: unknown;

  readonly create = (settings: ClientSettings): WhatsAppClient => {
    const client = new FakeClient(this, settings);
    this.clients.push(client);
    return client;
  };

  /** The newest client. */
  get current(): FakeClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('no client made yet');
    return client;
  }

  /** Every send of every client. */
  get sent(): Sent[] {
    return this.clients.flatMap((client) => client.sent);
  }

  /** Texts (and captions) sent to a chat, in order. */
  textsTo(chatId: string): string[] {
    return this.sent
      .filter((sent) => sent.chatId === chatId)
      .map((sent) => (sent.content.kind === 'text' ? sent.content.text : sent.content.kind === 'media' ? (sent.content.caption ?? '') : 'location'));
  }
}

export class FakeClient implements WhatsAppClient {
  readonly sent: Sent[] = [];
  readonly pairingRequests: string[] = [];
  destroyed = false;
  initialized = false;
  readonly #listeners = new Map<string, ((...args: never[]) => void)[]>();
  #next = 1;

  constructor(
    private readonly world: FakeWhatsApp,
    readonly settings: ClientSettings,
  ) {}

  on<E extends keyof WhatsAppEvents>(event: E, listener: WhatsAppEvents[E]): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as (...args: never[]) => void]);
  }

  /** Plays WhatsApp's side. */
  emit<E extends keyof WhatsAppEvents>(event: E, ...args: Parameters<WhatsAppEvents[E]>): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...all: unknown[]) => void)(...args);
  }

  /** `authenticated`, then `ready`, as after a scan. */
  link(): void {
    this.emit('authenticated');
    this.emit('ready');
  }

  async initialize(): Promise<void> {
    if (this.world.initializeError) throw this.world.initializeError;
    if (this.world.initializeHangs) return new Promise(() => undefined);
    this.initialized = true;
  }

  async sendMessage(chatId: string, content: OutgoingContent, quoted?: string): Promise<string | undefined> {
    if (this.world.sendError !== undefined) {
      const error = this.world.sendError;
      this.world.sendError = undefined;
      throw error;
    }
    const id = `true_${chatId}_FAKE${this.#next++}`;
    this.sent.push({ chatId, content, id, ...(quoted !== undefined ? { quoted } : {}) });
    // WhatsApp Web reports the new message before sendMessage resolves.
    this.emit('message_create', {
      id, from: OWN, to: chatId, fromMe: true, hasMedia: content.kind === 'media',
      type: content.kind === 'text' ? 'chat' : content.kind === 'location' ? 'location' : 'document',
      body: content.kind === 'text' ? content.text : content.kind === 'media' ? (content.caption ?? '') : '',
    });
    await new Promise((resolve) => setImmediate(resolve));
    return id;
  }

  async downloadMedia(message: WaMessage): Promise<DownloadedMedia | undefined> {
    return this.world.files.get(message.id);
  }

  async orderItems(message: WaMessage): Promise<WaOrderItem[] | undefined> {
    return this.world.orders.get(message.id);
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return 'ABCD1234';
  }

  async getState(): Promise<string | undefined> {
    return 'CONNECTED';
  }

  ownId(): string | undefined {
    return OWN;
  }

  async numberId(digits: string): Promise<string | undefined> {
    return this.world.notOnWhatsApp.has(digits) ? undefined : `${digits}@c.us`;
  }

  async lidAndPhone(ids: string[]): Promise<{ lid?: string; phone?: string }[]> {
    return ids.map((id) => this.world.pairs.find((pair) => pair.lid === id || pair.phone === id) ?? {});
  }

  async chats(): Promise<WaChat[]> {
    const ids = [...new Set(this.world.unread.map((message) => message.from))];
    return ids.map((id) => {
      const messages = this.world.unread.filter((message) => message.from === id);
      return { id, isGroup: id.endsWith('@g.us'), unreadCount: messages.length, timestamp: Math.max(...messages.map((message) => message.timestamp ?? 0)) };
    });
  }

  async chatMessages(chatId: string, limit: number): Promise<WaMessage[]> {
    const messages = this.world.unread.filter((message) => message.from === chatId && !message.fromMe);
    return messages.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)).slice(-limit);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}

let nextMessage = 1;

/** A message from a person's chat, as the client reports it. */
export function incoming(from: string, body: string, extra: Partial<WaMessage> = {}): WaMessage {
  return {
    id: `false_${from}_IN${nextMessage++}`, from, to: OWN, fromMe: false, type: 'chat', body, hasMedia: false,
    timestamp: Math.floor(Date.now() / 1000), ...extra,
  };
}

/** A message the business's phone owner typed into `to`'s chat. */
export function typedOnPhone(to: string, body: string, extra: Partial<WaMessage> = {}): WaMessage {
  return {
    id: `true_${to}_PHONE${nextMessage++}`, from: OWN, to, fromMe: true, type: 'chat', body, hasMedia: false,
    timestamp: Math.floor(Date.now() / 1000), ...extra,
  };
}
