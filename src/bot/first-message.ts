// What the message that opens a conversation says the customer needs: `conversation.first_message`, which a flow
// may take as the need instead of asking it ("How can we help you today?").
import type { InboundMessage } from '../types.ts';
import { saysMoreThanHello } from '../shared/small-talk.ts';

/**
 * The words of the message that opens a conversation, when they say what the customer needs; undefined when they
 * say nothing of it. A returning customer (`returning`: they had a conversation before) usually opens with what they
 * need now. A newcomer's first message is often only "hi", and counts only when it says more than a greeting
 * (`saysMoreThanHello`): "my order A-1234 never arrived" does, "hello there!" does not. A button (of a question
 * long gone, a Get Started) or a chat command (Telegram's /start, a deep link's /start summer-ad) says no need.
 *
 *     firstMessage({ text: 'I would like to buy the premium plan' }, { returning: false }); // the text
 *     firstMessage({ text: 'Hello there!' }, { returning: false, name: 'Layla' });        // undefined
 */
export function firstMessage(inbound: Pick<InboundMessage, 'text' | 'choice'>, options: { returning: boolean; name?: string }): string | undefined {
  const text = inbound.text?.trim() ?? '';
  if (inbound.choice !== undefined || text === '' || /^\/[a-z0-9_]+(?:@\w+)?(?:\s|$)/i.test(text)) return undefined;
  return options.returning || saysMoreThanHello(text, options.name) ? text : undefined;
}
