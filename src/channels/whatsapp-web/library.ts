// The real WhatsAppClient: whatsapp-web.js driving Debian's Chromium. The library (and puppeteer under it) is imported
// only when the channel starts, so a server without WHATSAPP_WEB=1 never loads it; its classes stay in this file.
import { join } from 'node:path';
import type wwebjs from 'whatsapp-web.js';
import type { ClientSettings, DownloadedMedia, OutgoingContent, WaChat, WaMessage, WaOrder, WaOrderItem, WaProduct, WhatsAppClient, WhatsAppEvents } from './client.ts';

type Library = typeof wwebjs;

/**
 * Chromium's flags: headless on a server, and quiet on a network that only lets WhatsApp through (without the
 * background-networking flags Chromium keeps opening connections a closed network refuses). As root Chromium will not
 * start with its sandbox.
 *
 *     chromiumArgs({ root: process.getuid?.() === 0 }); // ['--disable-gpu', …, '--no-sandbox', '--disable-setuid-sandbox']
 */
export function chromiumArgs(options: { root: boolean }): string[] {
  return [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Containers give /dev/shm 64 MB, too little for WhatsApp Web's tab.
    '--disable-dev-shm-usage',
    ...(options.root ? ['--no-sandbox', '--disable-setuid-sandbox'] : []),
  ];
}

/**
 * A client over whatsapp-web.js with LocalAuth under `settings.dataPath`, so a restart needs no new scan.
 *
 *     const client = await createLibraryClient({ dataPath, chromiumPath: '/usr/bin/chromium', browserArgs });
 */
export async function createLibraryClient(settings: ClientSettings): Promise<WhatsAppClient> {
  // The package is CommonJS: its classes are on the default export only.
  const library = (await import('whatsapp-web.js')).default;
  return wrapLibraryClient(library, new library.Client(libraryClientOptions(library, settings)));
}

/**
 * The library's client options for `settings`: LocalAuth under the data path, Debian's Chromium headless.
 *
 *     new library.Client(libraryClientOptions(library, settings));
 */
export function libraryClientOptions(library: Library, settings: ClientSettings): wwebjs.ClientOptions {
  return {
    authStrategy: new library.LocalAuth({ dataPath: settings.dataPath }),
    // The library caches WhatsApp Web's page in ./.wwebjs_cache by default: keep it with the session instead.
    webVersionCache: { type: 'local', path: join(settings.dataPath, 'web-cache') },
    puppeteer: { headless: true, executablePath: settings.chromiumPath, args: settings.browserArgs },
  };
}

/**
 * A library client behind our interface: its messages handed out as plain data, our contents made into its classes.
 *
 *     const client = wrapLibraryClient(library, new library.Client(options));
 */
export function wrapLibraryClient(library: Library, client: wwebjs.Client): WhatsAppClient {
  return new LibraryClient(library, client);
}

class LibraryClient implements WhatsAppClient {
  /** The library's message behind each plain one handed out, for downloadMedia. */
  readonly #messages = new WeakMap<WaMessage, wwebjs.Message>();

  constructor(
    private readonly library: Library,
    private readonly client: wwebjs.Client,
  ) {}

  on<E extends keyof WhatsAppEvents>(event: E, listener: WhatsAppEvents[E]): void {
    const call = listener as (...args: unknown[]) => void;
    if (event === 'message' || event === 'message_create' || event === 'message_ack' || event === 'message_edit' || event === 'message_revoke_everyone' || event === 'message_ciphertext_failed') {
      this.client.on(event, (message: wwebjs.Message, ...rest: unknown[]) => call(this.#plain(message), ...rest));
    } else if (event === 'message_reaction') {
      this.client.on(event, (reaction: wwebjs.Reaction) => call(plainReaction(reaction)));
    } else if (event === 'contact_changed') {
      // The library hands its notice message, then the ids as WhatsApp Web keeps them (a string or a Wid).
      this.client.on(event, (_notice: wwebjs.Message, oldId: unknown, newId: unknown, isContact: unknown) => {
        const [from, to] = [widOf(oldId), widOf(newId)];
        if (from !== undefined && to !== undefined) call(from, to, isContact === true);
      });
    } else {
      this.client.on(event, call);
    }
  }

  initialize(): Promise<void> {
    return this.client.initialize();
  }

  async sendMessage(chatId: string, content: OutgoingContent, quoted?: string): Promise<string | undefined> {
    const { MessageMedia, Location } = this.library;
    // A quote WhatsApp Web cannot find is left out and the message sent (the library's ignoreQuoteErrors, by default).
    const reply = quoted !== undefined ? { quotedMessageId: quoted } : {};
    let sent: wwebjs.Message | undefined | null;
    if (content.kind === 'text') {
      sent = await this.client.sendMessage(chatId, content.text, { linkPreview: false, ...reply });
    } else if (content.kind === 'media') {
      sent = await this.client.sendMessage(chatId, new MessageMedia(content.mimetype, content.data, content.filename ?? null), {
        ...reply,
        ...(content.caption !== undefined ? { caption: content.caption } : {}),
        ...(content.asDocument ? { sendMediaAsDocument: true } : {}),
        ...(content.asVoice ? { sendAudioAsVoice: true } : {}),
        ...(content.asSticker ? { sendMediaAsSticker: true } : {}),
      });
    } else {
      const place = { ...(content.name !== undefined ? { name: content.name } : {}), ...(content.address !== undefined ? { address: content.address } : {}) };
      sent = await this.client.sendMessage(chatId, new Location(content.latitude, content.longitude, place), reply);
    }
    return sent ? sent.id._serialized : undefined;
  }

  async downloadMedia(message: WaMessage): Promise<DownloadedMedia | undefined> {
    const original = this.#messages.get(message);
    const media = original ? await original.downloadMedia() : undefined;
    if (!media?.data) return undefined;
    return { data: media.data, mimetype: media.mimetype, ...(media.filename ? { filename: media.filename } : {}) };
  }

  async orderItems(message: WaMessage): Promise<WaOrderItem[] | undefined> {
    const original = this.#messages.get(message);
    const order = original ? await original.getOrder() : undefined;
    if (!order?.products?.length) return undefined;
    return order.products.map((product) => ({
      name: String(product.name ?? product.id),
      ...(Number.isFinite(Number(product.quantity)) ? { quantity: Number(product.quantity) } : {}),
    }));
  }

  requestPairingCode(phone: string): Promise<string> {
    return this.client.requestPairingCode(phone);
  }

  async getState(): Promise<string | undefined> {
    return (await this.client.getState()) ?? undefined;
  }

  ownId(): string | undefined {
    return this.client.info?.wid?._serialized;
  }

  async numberId(digits: string): Promise<string | undefined> {
    return (await this.client.getNumberId(digits))?._serialized ?? undefined;
  }

  async lidAndPhone(ids: string[]): Promise<{ lid?: string; phone?: string }[]> {
    const found = await this.client.getContactLidAndPhone(ids);
    return found.map((pair) => ({ ...(pair.lid ? { lid: pair.lid } : {}), ...(pair.pn ? { phone: pair.pn } : {}) }));
  }

  async chats(): Promise<WaChat[]> {
    const chats = await this.client.getChats();
    return chats.map((chat) => ({
      id: chat.id._serialized, isGroup: chat.isGroup, unreadCount: chat.unreadCount,
      ...(typeof chat.timestamp === 'number' ? { timestamp: chat.timestamp } : {}),
    }));
  }

  async chatMessages(chatId: string, limit: number): Promise<WaMessage[]> {
    // Typed as always found, the library's chat is undefined for a chat WhatsApp Web has not loaded.
    const chat = (await this.client.getChatById(chatId)) as wwebjs.Chat | undefined;
    if (!chat) return [];
    const messages = await chat.fetchMessages({ limit, fromMe: false });
    return messages.sort((a, b) => a.timestamp - b.timestamp).map((message) => this.#plain(message));
  }

  destroy(): Promise<void> {
    return this.client.destroy();
  }

  #plain(message: wwebjs.Message): WaMessage {
    // Fields the typings leave out live on the raw model.
    const raw = (message as unknown as { _data?: Record<string, unknown> })._data ?? {};
    const text = (key: string) => (typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : undefined);
    const size = typeof raw.size === 'number' ? raw.size : undefined;
    const editedAt = typeof message.latestEditSenderTimestampMs === 'number' ? message.latestEditSenderTimestampMs : undefined;
    const mimetype = text('mimetype');
    const filename = text('filename');
    const notifyName = text('notifyName');
    const place = message.location;
    const quotedStanzaId = message.hasQuotedMsg ? text('quotedStanzaID') : undefined;
    const quotedParticipant = widOf(raw.quotedParticipant);
    const plain: WaMessage = {
      id: message.id._serialized,
      from: message.from,
      to: message.to,
      ...(message.author ? { author: message.author } : {}),
      fromMe: message.fromMe,
      type: message.type,
      body: message.body ?? '',
      hasMedia: message.hasMedia,
      ...(typeof message.timestamp === 'number' ? { timestamp: message.timestamp } : {}),
      isStatus: message.isStatus,
      broadcast: Boolean(message.broadcast),
      ...(place
        ? {
            location: {
              latitude: Number(place.latitude),
              longitude: Number(place.longitude),
              ...(place.name ? { name: place.name } : {}),
              ...(place.address ? { address: place.address } : {}),
            },
          }
        : {}),
      ...(message.vCards?.length ? { vCards: message.vCards } : {}),
      ...(notifyName ? { notifyName } : {}),
      ...(message.hasMedia
        ? { media: { ...(size !== undefined ? { size } : {}), ...(mimetype ? { mimetype } : {}), ...(filename ? { filename } : {}) } }
        : {}),
      ...(editedAt !== undefined ? { editedAt } : {}),
      ...(quotedStanzaId !== undefined ? { quoted: { stanzaId: quotedStanzaId, ...(quotedParticipant !== undefined ? { participant: quotedParticipant } : {}) } } : {}),
      ...(message.isForwarded ? { forwarded: true } : {}),
      ...(message.type === 'order' ? { order: orderOf(raw) } : {}),
      ...(message.type === 'product' ? { product: productOf(raw) } : {}),
    };
    this.#messages.set(plain, message);
    return plain;
  }
}

/** What an order message's raw model says of its cart (WhatsApp Web's own field names). */
function orderOf(raw: Record<string, unknown>): WaOrder {
  const text = stringOf(raw.message);
  const title = stringOf(raw.orderTitle);
  const itemCount = numberOf(raw.itemCount);
  const total1000 = numberOf(raw.totalAmount1000);
  const currency = stringOf(raw.totalCurrencyCode);
  return {
    ...(text !== undefined ? { text } : {}), ...(title !== undefined ? { title } : {}), ...(itemCount !== undefined ? { itemCount } : {}),
    ...(total1000 !== undefined ? { total1000 } : {}), ...(currency !== undefined ? { currency } : {}),
  };
}

/** What a product message's raw model says of the product. */
function productOf(raw: Record<string, unknown>): WaProduct {
  const title = stringOf(raw.title);
  const retailerId = stringOf(raw.retailerId);
  const price1000 = numberOf(raw.priceAmount1000);
  const currency = stringOf(raw.currencyCode);
  return {
    ...(title !== undefined ? { title } : {}), ...(retailerId !== undefined ? { retailerId } : {}),
    ...(price1000 !== undefined ? { price1000 } : {}), ...(currency !== undefined ? { currency } : {}),
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A number as WhatsApp Web keeps it: a number, a string of digits, or a protobuf Long (`{ low, high }`). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  const long = value as { low?: unknown; high?: unknown } | null | undefined;
  if (long && typeof long.low === 'number' && typeof long.high === 'number') return long.high * 2 ** 32 + (long.low >>> 0);
  return undefined;
}

/** A WhatsApp id on the raw model, a string or a Wid (`{ _serialized }`), as a string. */
function widOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value !== '' ? value : undefined;
  const serialized = (value as { _serialized?: unknown } | null | undefined)?._serialized;
  return typeof serialized === 'string' && serialized !== '' ? serialized : undefined;
}

/** A reaction as the channel takes it: a message of type `reaction` from whoever reacted, naming the message it answers. */
function plainReaction(reaction: wwebjs.Reaction): WaMessage {
  return {
    id: reaction.id._serialized, from: reaction.senderId, to: reaction.id.remote, fromMe: reaction.id.fromMe, type: 'reaction', body: '', hasMedia: false,
    ...(typeof reaction.timestamp === 'number' ? { timestamp: reaction.timestamp } : {}),
    reaction: { emoji: reaction.reaction ?? '', to: reaction.msgId._serialized },
  };
}
