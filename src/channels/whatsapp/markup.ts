// WhatsApp's own markup, which both WhatsApp channels send: *bold*, _italic_, ~strike~, `code`, ```pre```. A styled
// text (`TextStyle`: bold from Telegram…) is written in it; reading it back is src/shared/markup.ts's, since flows read
// it too. WhatsApp has no underline and no spoiler.
import type { TextStyle, TextStyleName } from '../../types.ts';
import { withMarkers } from '../../shared/text-styles.ts';

/** WhatsApp's marker for each style it shows. */
const MARKERS: Partial<Record<TextStyleName, string>> = { bold: '*', italic: '_', strike: '~', code: '`', pre: '```' };

/** The styles WhatsApp shows, as `Channel.styles` declares them. */
export const WHATSAPP_STYLES = Object.keys(MARKERS) as TextStyleName[];

/**
 * `text` with its `styles` written in WhatsApp's markup. A marker goes next to the words, never next to a space (WhatsApp
 * would show it as it is); nothing is styled inside code, where WhatsApp shows markers as they are.
 *
 *     markup('Your refund is on its way', [{ style: 'bold', offset: 5, length: 6 }]); // 'Your *refund* is on its way'
 */
export function markup(text: string, styles: readonly TextStyle[] | undefined): string {
  return withMarkers(text, styles ?? [], (style) => {
    const marker = MARKERS[style];
    return marker !== undefined ? { open: marker, close: marker } : undefined;
  });
}
