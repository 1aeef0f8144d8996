// The part of whatsapp-web.js this channel uses, as an interface of our own: library.ts implements it over the real
// library (a Chromium running WhatsApp Web), tests implement it with a fake that needs no browser. Messages are plain
// data here, so nothing downstream depends on the library's classes.

/** A message as the client reports it (`message`, `message_create`, `message_ack`). */
export interface WaMessage {
  /** The serialized id (`true_15551234567@c.us_3EB0…`): unique per chat and direction, the dedup key. */
  id: string;
  /** The chat it came from (`…@c.us`, `…@lid`, `…@g.us`, `status@broadcast`…); our own id when we sent it. */
  from: string;
  /** The chat it went to; the customer's chat for one the business sent. */
  to: string;
  /** In a group: the participant who wrote it. */
  author?: string;
  fromMe: boolean;
  /** The library's message type: `chat`, `image`, `ptt`, `document`, `location`, `vcard`… */
  type: string;
  /** The text, or a file's caption. */
  body: string;
  hasMedia: boolean;
  /** Seconds since the epoch. */
  timestamp?: number;
  isStatus?: boolean;
  /** Sent through a broadcast list. */
  broadcast?: boolean;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** vCard texts of a contact card (or several). */
  vCards?: string[];
  /** The sender's own profile name. */
  notifyName?: string;
  /** What WhatsApp says of the file before it is downloaded. */
  media?: { size?: number; mimetype?: string; filename?: string };
  /** When the sender last edited it (milliseconds since the epoch): WhatsApp's `latestEditSenderTimestampMs`. */
  editedAt?: number;
  /**
   * The message of the chat this one quotes (the sender's Reply): its id within the chat (`quotedStanzaID`) and who
   * wrote it (`quotedParticipant`), when WhatsApp says.
   */
  quoted?: { stanzaId: string; participant?: string };
  /** Forwarded from another chat (WhatsApp's "Forwarded" label): the library's `isForwarded`. */
  forwarded?: boolean;
  /** A reaction (`message_reaction`): its emoji ('' when taken back) and the id of the message it answers. */
  reaction?: { emoji: string; to: string };
  /** A cart sent from the business's catalogue (type `order`), as the message itself tells it. */
  order?: WaOrder;
  /** A product of a catalogue shared into the chat (type `product`). */
  product?: WaProduct;
}

/** What an `order` message says of its cart without asking WhatsApp (WhatsApp Web's `orderTitle`, `itemCount`…). */
export interface WaOrder {
  /** What the customer wrote with the cart (`message`). */
  text?: string;
  /** The cart's title (`orderTitle`): its first product's name, mostly. */
  title?: string;
  /** How many items, all products together (`itemCount`). */
  itemCount?: number;
  /** The total in thousandths of the currency (`totalAmount1000`), and its code (`totalCurrencyCode`). */
  total1000?: number;
  currency?: string;
}

/** One line of a cart, as WhatsApp tells it when asked (whatsapp-web.js's `getOrder()`). */
export interface WaOrderItem {
  name: string;
  quantity?: number;
}

/** A catalogue's product as the message tells it (`title`, `retailerId`: the business's SKU, `priceAmount1000`…). */
export interface WaProduct {
  title?: string;
  retailerId?: string;
  price1000?: number;
  currency?: string;
}

/** A chat as the client lists it (`getChats`). */
export interface WaChat {
  /** `…@c.us`, `…@lid`, `…@g.us`, `status@broadcast`… */
  id: string;
  isGroup: boolean;
  /** Messages others wrote that nobody has read yet; -1 for a chat someone marked unread by hand. */
  unreadCount: number;
  /** Its last activity, in seconds since the epoch. */
  timestamp?: number;
}

/** A downloaded file: base64 bytes, as the library gives them. */
export interface DownloadedMedia {
  data: string;
  mimetype: string;
  filename?: string;
}

/** What one send puts in a chat: text, a file (with its caption), or a location. */
export type OutgoingContent =
  | { kind: 'text'; text: string }
  | {
      kind: 'media';
      /** Base64. */
      data: string;
      mimetype: string;
      filename?: string;
      caption?: string;
      /** Sent as a file to open rather than shown inline. */
      asDocument?: boolean;
      /** An audio file shown as a voice note. */
      asVoice?: boolean;
      asSticker?: boolean;
    }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string };

/** The client's events this channel listens to, with their arguments. */
export interface WhatsAppEvents {
  /** A new QR code to scan (WhatsApp rotates it about every 20 s while nobody scans). */
  qr: (qr: string) => void;
  /** A pairing code for linking by phone number. */
  code: (code: string) => void;
  /** The session is linked (scanned, or restored from disk); `ready` follows once chats are loaded. */
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  /** `LOGOUT` when the phone unlinked this device; a connection state (`CONFLICT`, `UNPAIRED`…) otherwise. */
  disconnected: (reason: string) => void;
  change_state: (state: string) => void;
  /** A message someone else wrote. */
  message: (message: WaMessage) => void;
  /** Any new message, the account's own included (sent from here or typed on the phone). */
  message_create: (message: WaMessage) => void;
  /** A sent message's acknowledgement moved: -1 error, 1 server, 2 device, 3 read, 4 played. */
  message_ack: (message: WaMessage, ack: number) => void;
  /**
   * A message's text or caption changed from `prevBody` to `newBody`: an edit by its sender, but also (with no
   * earlier text) a message just decrypted or a caption just loaded, which the library reports the same way.
   */
  message_edit: (message: WaMessage, newBody: string, prevBody: string) => void;
  /** A message its sender deleted for everyone: as it is now (type `revoked`, the same id as before). */
  message_revoke_everyone: (message: WaMessage) => void;
  /** A reaction added, changed or taken back, as a message of type `reaction` from whoever reacted (`reaction`). */
  message_reaction: (message: WaMessage) => void;
  /** A message still not decrypted after the library's recovery attempt (type `ciphertext`); it may decrypt later. */
  message_ciphertext_failed: (message: WaMessage) => void;
  /**
   * A person changed their phone number (whatsapp-web.js `contact_changed`): WhatsApp's notice in the chat, with the
   * chat id they had and the one they have now; `isContact` false when the notice is one of a group's.
   */
  contact_changed: (oldId: string, newId: string, isContact: boolean) => void;
}

/**
 * One WhatsApp Web session: a browser running web.whatsapp.com, or a fake of it.
 *
 *     const client = await createClient(settings);
 *     client.on('qr', (qr) => show(qr)); await client.initialize();
 */
export interface WhatsAppClient {
  on<E extends keyof WhatsAppEvents>(event: E, listener: WhatsAppEvents[E]): void;
  /** Starts the browser and opens WhatsApp Web; resolves once it shows a QR code or restores the session. */
  initialize(): Promise<void>;
  /**
   * Resolves to the sent message's id, or undefined when WhatsApp has no such chat. `quoted`: the id of a message of
   * the chat this one replies to, shown quoted above it (sent plain when WhatsApp Web no longer has that message).
   */
  sendMessage(chatId: string, content: OutgoingContent, quoted?: string): Promise<string | undefined>;
  /** The bytes of a message's file; undefined when WhatsApp no longer has them. */
  downloadMedia(message: WaMessage): Promise<DownloadedMedia | undefined>;
  /** The products and quantities of an `order` message's cart; undefined when WhatsApp does not tell them. */
  orderItems(message: WaMessage): Promise<WaOrderItem[] | undefined>;
  /** Asks for a code to link by phone number (digits with country code) instead of a QR code. */
  requestPairingCode(phone: string): Promise<string>;
  /** WhatsApp Web's connection state (`CONNECTED`, `UNPAIRED`…). */
  getState(): Promise<string | undefined>;
  /** The account's own id (`15551234567@c.us`), once ready. */
  ownId(): string | undefined;
  /** The id WhatsApp knows for a phone number (digits with country code), or undefined when it is not on WhatsApp. */
  numberId(digits: string): Promise<string | undefined>;
  /** For each id (`…@lid` or `…@c.us`), the lid and the phone id WhatsApp can tell, where it can. */
  lidAndPhone(ids: string[]): Promise<{ lid?: string; phone?: string }[]>;
  /** The chats WhatsApp Web has loaded. */
  chats(): Promise<WaChat[]>;
  /** The newest `limit` messages others wrote in a chat, oldest first (whatsapp-web.js's `fetchMessages`). */
  chatMessages(chatId: string, limit: number): Promise<WaMessage[]>;
  /** Closes the browser. */
  destroy(): Promise<void>;
}

/** Where and how a client runs. */
export interface ClientSettings {
  /** LocalAuth's folder (`DATA_DIR/whatsapp-web`): the session survives restarts there. */
  dataPath: string;
  /** The Chromium to run (Debian's `/usr/bin/chromium` by default). */
  chromiumPath: string;
  /** Command-line flags for Chromium. */
  browserArgs: string[];
}

/** Makes a client; the channel calls it again for every rebuild after a disconnect. */
export type WhatsAppClientFactory = (settings: ClientSettings) => WhatsAppClient | Promise<WhatsAppClient>;
