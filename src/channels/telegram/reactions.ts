// The reactions a bot may put on a message: Telegram takes only a fixed set of emoji from bots (ReactionTypeEmoji),
// and each with or without the variation selector an agent's app adds (WhatsApp's ❤️ is Telegram's ❤).

/** The emoji Telegram's Bot API takes in setMessageReaction, as it spells them. */
const BOT_REACTIONS = new Set([
  '👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡', '🥱',
  '🥴', '😍', '🐳', '❤\u200d🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈', '😴',
  '😭', '🤓', '👻', '👨\u200d💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿', '🆒',
  '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷\u200d♂', '🤷', '🤷\u200d♀', '😡',
]);

/**
 * `emoji` as Telegram takes it from a bot, or undefined when it takes no such reaction from bots ('' stays '': no
 * reaction, which takes the bot's back).
 *
 *     botReaction('❤️'); // '❤'
 *     botReaction('🫠'); // undefined
 */
export function botReaction(emoji: string): string | undefined {
  if (emoji === '') return '';
  const plain = emoji.replace(/\ufe0f/g, '');
  return BOT_REACTIONS.has(plain) ? plain : undefined;
}
