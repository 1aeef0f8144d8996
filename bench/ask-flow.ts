// The ask flow every benchmarked server runs, as data: what the simulated customer says, and what each server
// answers (Switchboard's in ask-flow/inbound.yaml, the peers' in code). Each customer sends `customerSays` in
// order on one connection, so no server sees two updates of one chat at once.

/** What each simulated customer sends, in order. */
export const customerSays = ['hello', 'not an email', 'layla@example.com', 'I was charged twice for my order'] as const;

/** The bot's texts, shared by the peers (Switchboard's are the same, in the YAML flow). */
export const botSays = {
  greeting: (name: string) => `Hi ${name}! Thanks for getting in touch.`,
  askEmail: "What's your email address, in case we need to follow up?",
  invalidEmail: "Hmm, that doesn't look like an email address. Could you check it?",
  askNeed: 'How can we help you today?',
  thanks: (email: string) => `Thanks! We will write to you at ${email} about it.`,
};

/** Replies the bot sends to each of `customerSays`: 2 (greeting, email question), 1, 1, 1. */
export const repliesPerStep = [2, 1, 1, 1] as const;

/** A loose email check, the same for every peer. */
export const looksLikeEmail = (text: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());

export const BOT_TOKEN = '123456:bench-token';
export const WEBHOOK_SECRET = 'bench-secret';

/** The Telegram update carrying `text` from customer `user` (update ids unique per run and step). */
export function telegramUpdate(updateId: number, user: number, text: string): string {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user, type: 'private', first_name: 'Layla' },
      from: { id: user, is_bot: false, first_name: 'Layla', language_code: 'en' },
      text,
    },
  });
}
