// What the chat page and the agent console both draw: message text with safe links, times, delivery marks,
// files (pictures, players, downloads, places), and line icons. Nothing here writes HTML from a string.

import { STYLE_TAGS, styledRuns } from './styled-runs.js';
import { pageLocales } from './words.js';

// Line icons drawn here, not emoji: a machine without an emoji font shows those as empty boxes.
const ICONS = {
  document: 'M6 2h9l5 5v15H6z M15 2v5h5',
  place: 'M12 22s7-7.5 7-13a7 7 0 0 0-14 0c0 5.5 7 13 7 13z M12 11.5a2.5 2.5 0 1 0 0-5a2.5 2.5 0 0 0 0 5z',
  person: 'M12 12a4 4 0 1 0 0-8a4 4 0 0 0 0 8z M4 21c0-4 4-6 8-6s8 2 8 6',
  warning: 'M12 3l10 18H2z M12 10v5 M12 18v.5',
};

export function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  for (const [key, value] of Object.entries({ fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' })) path.setAttribute(key, value);
  svg.append(path);
  return svg;
}

// An address runs to the first space, or to a character no address holds unencoded: quotes (ASCII, curly and «»
// guillemets, which Arabic writes around words) and the invisible marks that set a line's direction.
const URLS = /\bhttps?:\/\/[^\s<>"'`“”‘«»‹›\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gi;
// What ends a sentence or closes a quote after an address is not part of it: English and Arabic punctuation (، ؛ ؟ ۔).
const TRAILING = /[.,;:!?’)\]}،؛؟۔]$/;
const OPENING = { ')': '(', ']': '[', '}': '{' };
const count = (text, char) => text.split(char).length - 1;

/** `raw` without the punctuation after it; a closing bracket stays when the address opened it (…/wiki/Mercury_(planet)). */
function addressIn(raw) {
  let address = raw;
  while (TRAILING.test(address)) {
    const last = address.at(-1);
    if (OPENING[last] && count(address, OPENING[last]) >= count(address, last)) break;
    address = address.slice(0, -1);
  }
  return address;
}

/**
 * The text of a message as an element: its own direction (dir="auto", each line on its own), its `styles` (bold,
 * italic… as the writer gave them: `{ style, offset, length }` in UTF-16 units) as elements of their own, and every
 * http(s) address a link that opens in a new tab without a hold on this page. Anything else stays text.
 */
export function messageText(text, styles = []) {
  const element = document.createElement('div');
  element.className = 'text';
  element.dir = 'auto';
  appendStyled(element, text, styles, appendLinked);
  return element;
}

/**
 * Appends `text` to `element` with its `styles` as elements of their own, each run's words added by `add` (as text
 * nodes unless told): a button's words styled as a message's.
 *
 *     appendStyled(button, 'Billing', [{ style: 'bold', offset: 0, length: 7 }]);
 */
export function appendStyled(element, text, styles = [], add = (inner, words) => inner.append(words)) {
  for (const [from, to, on] of styledRuns(text, styles)) {
    let inner = element;
    for (const style of on) {
      const tag = STYLE_TAGS[style];
      const wrap = document.createElement(tag);
      if (style === 'spoiler' || style === 'pre') wrap.className = style;
      inner.append(wrap);
      inner = wrap;
    }
    add(inner, text.slice(from, to));
  }
}

/** Appends `text` to `element`, every http(s) address in it a link. */
function appendLinked(element, text) {
  let at = 0;
  for (const match of text.matchAll(URLS)) {
    const raw = addressIn(match[0]);
    let url;
    try { url = new URL(raw); } catch { continue; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    element.append(text.slice(at, match.index));
    const link = document.createElement('a');
    link.href = url.href;
    link.textContent = raw;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    // An address is left to right even inside Arabic, and kept apart from the words around it.
    link.dir = 'ltr';
    element.append(link);
    at = match.index + raw.length;
  }
  element.append(text.slice(at));
}

/**
 * The message a reply answers, above its text: the server's short quote (one line, cut, in quotes), never cut again
 * here but ended with … if the bubble is narrower; the whole of it on hover.
 */
export function quoteLine(quote) {
  const element = document.createElement('div');
  element.className = 'quote';
  element.dir = 'auto';
  element.title = quote;
  element.textContent = quote;
  return element;
}

/**
 * The time of a message, HH:MM in the page's language (as the reader's browser writes it: "09:34 ص"), the full date
 * on hover; in Latin digits, as the messages beside it write theirs (the bot's "ترتيبك 2", an order number) and the
 * page its other numbers: ar-EG's own "٠٩:٣٤" read as another script next to them.
 */
export function timeOf(at) {
  const date = new Date(at);
  const element = document.createElement('time');
  element.dateTime = at;
  // In its locale's direction, whatever the page's: "12:42 PM" stays so on a right-to-left page.
  element.dir = 'auto';
  const locales = pageLocales();
  element.title = date.toLocaleString(locales, { numberingSystem: 'latn' });
  element.textContent = date.toLocaleTimeString(locales, { hour: '2-digit', minute: '2-digit', numberingSystem: 'latn' });
  return element;
}

/** A delivery mark: sending, sent (✓), delivered (✓✓), read (✓✓ coloured), not sent, or not sent yet (waiting for its channel). */
export function mark(state, title) {
  const element = document.createElement('span');
  element.className = `mark ${state}`;
  element.textContent = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!', waiting: '↻' }[state] ?? '';
  element.title = title ?? { pending: 'sending', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'not sent', waiting: 'not sent yet' }[state] ?? '';
  return element;
}

/**
 * A size in the page's units (`words.units`: "MB", or "ميغابايت" on an Arabic page), with the digits the page's other
 * numbers use.
 *
 *     describeBytes(12 * 1024 * 1024, WORDS.ar.units); // '12 ميغابايت'
 */
export function describeBytes(bytes, units) {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} ${units.MB}`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} ${units.KB}`;
  return `${bytes} ${units.bytes}`;
}

/** Why a file was not kept, in the page's words when what the server's `refused` means is known, else the server's. */
function whyRefused(attachment, words) {
  const { refusal } = attachment;
  if (refusal?.kind === 'tooLarge') return words.refusedTooLarge(describeBytes(refusal.limitBytes, words.units));
  if (refusal?.kind === 'fileType') return words.refusedType;
  if (refusal?.kind === 'empty') return words.refusedEmpty;
  if (refusal?.kind === 'notFetched') return words.refusedNotFetched;
  return words.theirWords(attachment.refused);
}

function line(className, text, iconName) {
  const element = document.createElement('span');
  element.className = 'file ' + className;
  element.append(icon(iconName), text);
  return element;
}

function link(href, text, iconName) {
  const element = document.createElement('a');
  element.className = 'file';
  element.href = href;
  element.target = '_blank';
  element.rel = 'noopener noreferrer';
  if (iconName) element.append(icon(iconName));
  element.append(text);
  return element;
}

/**
 * A file as the chat shows it: pictures, sound and video in place, a place on a map, anything else to download, from
 * its `url` as the server gave it (a visitor's carries a grant for that file alone; the console's cookie needs
 * nothing); `words`, the page's words in its reader's language (words.js, console-words.js).
 */
export function renderAttachment(attachment, onLoad = () => {}, words) {
  const label = attachment.name || words.kinds[attachment.kind] || attachment.kind;
  if (attachment.refused) {
    const why = whyRefused(attachment, words);
    return line('refused', attachment.name ? words.refusedFile(attachment.name, why) : words.refusedUnnamed(label, why), 'warning');
  }
  if (attachment.location) {
    const { latitude, longitude, name: place, address } = attachment.location;
    return link(`https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`, place || address || `${latitude}, ${longitude}`, 'place');
  }
  if (attachment.contact) return line('', [attachment.contact.name, attachment.contact.phone].filter(Boolean).join(' '), 'person');
  if (!attachment.url) return line('', label, 'document');
  const url = attachment.url;
  const mime = attachment.mime || '';
  if (mime.startsWith('image/')) {
    const image = document.createElement('img');
    image.className = 'thumb';
    image.src = url;
    image.alt = label;
    image.loading = 'lazy';
    image.onload = onLoad;
    const open = link(url, '', undefined);
    open.append(image);
    return open;
  }
  if (mime.startsWith('audio/') || mime.startsWith('video/')) {
    const player = document.createElement(mime.startsWith('audio/') ? 'audio' : 'video');
    player.className = 'file';
    player.controls = true;
    player.preload = 'metadata';
    // A GIF plays as the sender's app played it: by itself, silent, over and over.
    if (attachment.animation && !mime.startsWith('audio/')) Object.assign(player, { autoplay: true, loop: true, muted: true, playsInline: true });
    player.src = url;
    return player;
  }
  const download = link(url, `${label}${attachment.size !== undefined ? ' (' + describeBytes(attachment.size, words.units) + ')' : ''}`, 'document');
  download.download = attachment.name || '';
  return download;
}

/**
 * Watches a message box whose `data-max-length` is the longest text the server takes: past it, `line` says so in
 * the page's words (`say(length, max)`) and `button` is disabled, while the text stays whole in the box (a
 * `maxlength` would cut a long paste without a word). Returns the check, to run again after the page sets the box.
 *
 *     const fits = watchLength($('text'), $('too-long'), $('send-button'), words.tooLong);
 *     if (!fits()) return; // on submit
 */
export function watchLength(box, line, button, say) {
  const max = Number(box.dataset.maxLength);
  const check = () => {
    const over = box.value.length > max;
    line.hidden = !over;
    line.textContent = over ? say(box.value.length.toLocaleString('en'), max.toLocaleString('en')) : '';
    button.disabled = over;
    return !over;
  };
  box.addEventListener('input', check);
  return check;
}

/**
 * How long the server asks to wait (its answer's `Retry-After`, 3 s when it gives none), in `words`' language: seconds,
 * or minutes from one. The chat page and the agent console both say it.
 *
 *     waitOf(res, words) // 'in 20 s', 'بعد 20 ثانية'
 */
export function waitOf(res, words) {
  return waitIn(secondsOf(res), words);
}

/** The seconds the server asks to wait: its answer's `Retry-After`, 3 when it gives none; at least 1. */
export function secondsOf(res) {
  return Math.max(1, Number(res.headers.get('retry-after')) || 3);
}

/**
 * A wait of `seconds` in `words`' language: seconds, or minutes from one.
 *
 *     waitIn(20, words) // 'in 20 s', 'بعد 20 ثانية'
 */
export function waitIn(seconds, words) {
  return seconds < 60 ? words.inSeconds(seconds) : words.inMinutes(Math.ceil(seconds / 60));
}
