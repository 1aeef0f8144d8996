// A person on WhatsApp may write from their phone number's chat or from their lid's (WhatsApp's privacy id). When
// WhatsApp Web can tell the other address of a chat, it is looked up once per address and told to the runtime as
// "also known as", so both reach the same contact. WhatsApp often cannot tell (that is what lids are for): then
// nothing is linked; a number is never read out of a lid.
import type { ChannelHost } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { addressOf } from './address.ts';
import type { WhatsAppClient } from './client.ts';

/** Addresses whose other address is remembered at most. */
const MAX_REMEMBERED = 20_000;
/** How long one lookup may take: it runs in WhatsApp Web's page and holds that chat's messages meanwhile. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The lid ↔ phone pairs WhatsApp Web told.
 *
 *     const phone = await identities.otherAddress(client, '98765@lid'); // '15551234567', or undefined
 *     await identities.tell(host, 'lid:98765', phone);
 */
export class Identities {
  /** Address → its other address, or null when WhatsApp said it knows none. */
  readonly #other = new Map<string, string | null>();
  readonly #told = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** The other address of a person's chat, looked up the first time (a failed lookup is tried again next time). */
  async otherAddress(client: WhatsAppClient, chatId: string): Promise<string | undefined> {
    const address = addressOf(chatId);
    if (address === undefined) return undefined;
    const known = this.#other.get(address);
    if (known !== undefined) return known ?? undefined;
    let pairs: { lid?: string; phone?: string }[];
    try {
      pairs = await withTimeout(client.lidAndPhone([chatId]), LOOKUP_TIMEOUT_MS);
    } catch (error) {
      this.log.debug({ err: error instanceof Error ? error.message : String(error), chat: chatId }, 'WhatsApp Web could not look up the other address of a chat');
      return undefined;
    }
    const pair = pairs[0] ?? {};
    const isLid = address.startsWith('lid:');
    const [self, otherId] = isLid ? [pair.lid, pair.phone] : [pair.phone, pair.lid];
    const other = otherId !== undefined ? addressOf(otherId) : undefined;
    // Only a pair about this chat, naming an address of the other kind, links anything.
    const aboutThisChat = self === undefined || self === chatId;
    const found = aboutThisChat && other !== undefined && other.startsWith('lid:') !== isLid ? other : null;
    this.#remember(address, found);
    if (found !== null) this.#remember(found, address);
    return found ?? undefined;
  }

  /** Tells the runtime, once per address, that `address` is also `other`; a failure is logged and tried next time. */
  async tell(host: ChannelHost, channel: string, address: string, other: string | undefined): Promise<void> {
    if (other === undefined || this.#told.has(address)) return;
    try {
      await host.updateIdentity({ channel, id: address, alsoKnownAs: other });
      this.#told.add(address);
      if (this.#told.size > MAX_REMEMBERED) this.#told.delete(this.#told.values().next().value!);
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not record the other WhatsApp address of a contact');
    }
  }

  #remember(address: string, other: string | null): void {
    this.#other.set(address, other);
    if (this.#other.size > MAX_REMEMBERED) this.#other.delete(this.#other.keys().next().value!);
  }
}

/**
 * `work`, or a rejection once `ms` have passed (`work` itself is not stopped).
 *
 *     const media = await withTimeout(client.downloadMedia(message), 60_000);
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
