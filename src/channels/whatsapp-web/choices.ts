// WhatsApp Web has no buttons a linked device may send: choices go out as a numbered list, and the answer comes back
// typed. The last choices sent to each person are remembered, so a typed "2" (in any digits, or the emoji 2️⃣) or a
// typed title arrives as that choice's id.
import type { Choice } from '../../types.ts';
import { asciiDigits, fold, keycapDigits } from '../../shared/text.ts';
import { markup } from '../whatsapp/markup.ts';

/** People whose last choices are remembered at most; the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;

/**
 * The text with its choices as a numbered list below it, a title a flow styled ("*Billing*") in WhatsApp's markup.
 *
 *     numbered('Which team?', [{ id: 'billing', title: 'Billing' }, { id: 'sales', title: 'Sales' }]);
 *     // 'Which team?\n\n1. Billing\n2. Sales'
 */
export function numbered(text: string, choices: readonly Choice[]): string {
  if (choices.length === 0) return text;
  const list = choices.map((choice, index) => `${index + 1}. ${markup(choice.title, choice.styles)}`).join('\n');
  return text === '' ? list : `${text}\n\n${list}`;
}

/**
 * The last choices offered to each address.
 *
 *     memory.offered('15551234567', choices);
 *     memory.match('15551234567', '2'); // 'sales'
 */
export class ChoiceMemory {
  readonly #offered = new Map<string, readonly Choice[]>();

  /** Remembers what was just sent to `address`; a message without choices means none are open any more. */
  offered(address: string, choices: readonly Choice[] | undefined): void {
    this.#offered.delete(address);
    if (!choices || choices.length === 0) return;
    this.#offered.set(address, choices);
    if (this.#offered.size > MAX_REMEMBERED) this.#offered.delete(this.#offered.keys().next().value!);
  }

  /** The id of the choice `text` picks among the last ones offered to `address`: its number or its title. */
  match(address: string, text: string): string | undefined {
    const choices = this.#offered.get(address);
    if (!choices) return undefined;
    const typed = keycapDigits(asciiDigits(text)).trim().replace(/[.)]$/, '');
    const byNumber = /^\d{1,3}$/.test(typed) ? choices[Number(typed) - 1] : undefined;
    if (byNumber) return byNumber.id;
    const folded = fold(text);
    return folded === '' ? undefined : choices.find((choice) => fold(choice.title) === folded)?.id;
  }
}
