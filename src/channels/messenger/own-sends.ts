// What this process sent, per person, kept in memory: it tells the echo of our own message (ignored) from a message a
// person at the business wrote in the Page Inbox (a takeover), and it turns Messenger's receipts ("everything sent
// before this watermark was delivered, or read") into statuses of the messages we sent. Memory is lost on a
// restart: a watermark then reaches what the store has (`ChannelHost.sentUpTo`, as for another process's sends), and an
// echo of an earlier send is recognised by the Send API metadata Messenger gives back (platforms.ts), or by the runtime
// finding its mid among the messages it sent.

/** The Send API metadata our messages carry on Messenger, given back on their echoes. */
export const OWN_METADATA = 'switchboard';
/** Sends to one person remembered (the most recent). */
const PER_PERSON = 100;
/** People remembered (the most recently written to). */
const PEOPLE = 10_000;
/** How long an echo waits for a send to the same person that is still under way (its mid is not known before). */
const IN_FLIGHT_WAIT_MS = 10_000;
/** How long a send whose answer was lost is looked for among the echoes, by its text. */
const UNSURE_KEPT_MS = 10 * 60_000;

interface Sent {
  mid: string;
  /** When it was sent, in ms: our clock when the call began, then Meta's from its echo. */
  at: number;
  reached?: 'delivered' | 'read';
}

/**
 * The messages sent from here, by recipient.
 *
 *     const done = sends.begin(psid); try { sends.sent(psid, mid, Date.now()); } finally { done(); }
 *     await sends.isOurs(psid, echoMid); // true
 */
export class OwnSends {
  readonly #byPerson = new Map<string, Sent[]>();
  readonly #inFlight = new Map<string, Set<Promise<void>>>();
  /** Our app's id, learned from the first echo known to be ours: an echo with another app id is a person's. */
  #appId: string | undefined;
  /** Texts sent to a person whose answer was lost (Meta may have sent them), by person, with when. */
  readonly #unsure = new Map<string, { text: string; at: number }[]>();

  /** Marks a send to `to` under way: echoes to them wait for it. Call the returned function when it is over. */
  begin(to: string): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const sends = this.#inFlight.get(to) ?? new Set<Promise<void>>();
    sends.add(done);
    this.#inFlight.set(to, sends);
    return () => {
      finish();
      sends.delete(done);
      if (sends.size === 0 && this.#inFlight.get(to) === sends) this.#inFlight.delete(to);
    };
  }

  /** Records a message sent to `to` (`at`: when the call began, in ms). */
  sent(to: string, mid: string, at: number): void {
    const list = this.#byPerson.get(to) ?? [];
    this.#byPerson.delete(to);
    list.push({ mid, at });
    if (list.length > PER_PERSON) list.shift();
    this.#byPerson.set(to, list);
    if (this.#byPerson.size > PEOPLE) this.#byPerson.delete(this.#byPerson.keys().next().value!);
  }

  /**
   * Records a text sent to `to` whose answer was lost (a network failure, a body that broke off): Meta may have sent
   * it, and its echo, whose mid is unknown here, must not pass for a person at the business taking over (an Instagram
   * echo carries no metadata of ours). The first echo to `to` with the same text within `UNSURE_KEPT_MS` is ours.
   */
  unsure(to: string, text: string | undefined, at: number): void {
    if (!text) return;
    const list = (this.#unsure.get(to) ?? []).filter((entry) => at - entry.at < UNSURE_KEPT_MS);
    list.push({ text, at });
    this.#unsure.set(to, list.slice(-PER_PERSON));
    if (this.#unsure.size > PEOPLE) this.#unsure.delete(this.#unsure.keys().next().value!);
  }

  /**
   * Whether the echo `mid` to `to` is of a message sent from here. `marked`: it carries our Send API metadata.
   * Waits for sends to `to` still under way (their mid comes with their answer, and the echo may be quicker).
   * `text`: the echo's, looked for among the sends whose answer was lost (`unsure`).
   */
  async isOurs(to: string, mid: string, options: { marked?: boolean; appId?: string; timestamp?: number; text?: string } = {}): Promise<boolean> {
    let ours = options.marked === true || (this.#appId !== undefined && options.appId === this.#appId);
    const knownOther = this.#appId !== undefined && options.appId !== undefined && options.appId !== this.#appId;
    if (!ours && !knownOther) {
      const pending = [...(this.#inFlight.get(to) ?? [])];
      if (pending.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(pending), new Promise((resolve) => { timer = setTimeout(resolve, IN_FLIGHT_WAIT_MS); })]);
        clearTimeout(timer);
      }
      ours = this.#find(to, mid) !== undefined || this.#takeUnsure(to, mid, options.text, options.timestamp);
    }
    if (ours) {
      if (options.appId !== undefined) this.#appId = options.appId;
      // Meta's own time of the message: receipts' watermarks are on Meta's clock.
      const sent = this.#find(to, mid);
      if (sent && options.timestamp !== undefined) sent.at = options.timestamp;
    }
    return ours;
  }

  /**
   * The messages to `from` a receipt covers, not yet counted at that status: those it lists, and those sent at or
   * before its `watermark`; for a read receipt naming a message (Instagram), also those sent before that one.
   *
   *     sends.reached(psid, 'delivered', { mids: [], watermark: 1763950430000 }); // ['m_1', 'm_2']
   */
  reached(from: string, status: 'delivered' | 'read', receipt: { mids: readonly string[]; watermark?: number }): string[] {
    const list = this.#byPerson.get(from) ?? [];
    const named = receipt.mids.map((mid) => list.find((sent) => sent.mid === mid)?.at).filter((at): at is number => at !== undefined);
    const upTo = Math.max(receipt.watermark ?? -1, ...(status === 'read' ? named : []));
    const covered = new Set(receipt.mids);
    for (const sent of list) {
      if (sent.at > upTo || sent.reached === 'read' || sent.reached === status) continue;
      covered.add(sent.mid);
    }
    for (const sent of list) if (covered.has(sent.mid) && sent.reached !== 'read') sent.reached = status;
    return [...covered];
  }

  /** Whether the message `mid` to `to` is one this process remembers sending (its time then known better than the store's). */
  knows(to: string, mid: string): boolean {
    return this.#find(to, mid) !== undefined;
  }

  /** Whether `text` is that of a send to `to` whose answer was lost; if so, it is known from now on as `mid`. */
  #takeUnsure(to: string, mid: string, text: string | undefined, timestamp: number | undefined): boolean {
    const list = this.#unsure.get(to);
    const at = timestamp ?? Date.now();
    const index = text === undefined || !list ? -1 : list.findIndex((entry) => entry.text === text && at - entry.at < UNSURE_KEPT_MS);
    if (index < 0) return false;
    const [entry] = list!.splice(index, 1);
    if (list!.length === 0) this.#unsure.delete(to);
    this.sent(to, mid, timestamp ?? entry!.at);
    return true;
  }

  #find(to: string, mid: string): Sent | undefined {
    return this.#byPerson.get(to)?.find((sent) => sent.mid === mid);
  }
}
