// What an agent typed in the console and did not send yet, kept per conversation in this browser (localStorage), so
// that a reload, a tab closed by mistake or a look at another conversation loses none of it: the reply, the closing
// note, the internal note. Nothing here sends anything; the console puts a draft back in its box, and the agent sends.

const PREFIX = 'switchboard.console.drafts:';

/**
 * Drops every agent's drafts in this browser: a sign-in that is over (signed out, expired, ended by a new token) leaves
 * nothing typed for customers to the next person at it, whoever they sign in as.
 *
 *     clearAllDrafts();
 */
export function clearAllDrafts() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    // No storage: nothing was kept beyond the page.
  }
}

/**
 * The drafts of the agent `agentId` in this browser (storage may be off: private mode; then for this page only).
 * A draft is `{ reply?, closeNote?, note?, replyTo?, tried? }`: the boxes' texts, the customer's message the reply
 * answers (`{ id, name, text }`), and the `clientId` the reply was last sent with (`{ clientId }`), so that sending
 * it again, edited or not, is the same reply, never a second one.
 *
 *     const drafts = consoleDrafts('lina');
 *     drafts.put(42, { reply: 'Your refund is on its way' });
 *     drafts.get(42).reply; // 'Your refund is on its way'
 */
export function consoleDrafts(agentId) {
  const key = `${PREFIX}${agentId}`;
  // Read anew at each use: another console tab of the agent's may have written since.
  let own = {};
  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '{}') ?? {};
    } catch {
      return own;
    }
  };
  const save = (kept) => {
    own = kept;
    try {
      if (Object.keys(kept).length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(kept));
    } catch {
      // No storage: kept for this page only.
    }
  };
  return {
    /** The draft of conversation `id` (an empty one when none). */
    get: (id) => ({ ...read()[String(id)] }),
    /** Sets the draft of conversation `id`; one with nothing typed in any box is dropped. */
    put(id, draft) {
      const kept = read();
      const typed = Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined && value !== ''));
      if (typed.reply === undefined && typed.closeNote === undefined && typed.note === undefined) delete kept[String(id)];
      else kept[String(id)] = typed;
      save(kept);
    },
    /** Drops the drafts of conversations not in `ids` (closed, moved: nothing typed for them can be sent). */
    keepOnly(ids) {
      const kept = read();
      const open = new Set(ids.map(String));
      for (const id of Object.keys(kept)) if (!open.has(id)) delete kept[id];
      save(kept);
    },
  };
}
