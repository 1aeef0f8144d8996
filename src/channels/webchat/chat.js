// The web chat page's script (page.html, and the widget's iframe). It asks the visitor's name, makes a session
// (POST /webchat/sessions) kept in the browser's localStorage (every tab of the browser is the same visitor, also
// after it is closed and opened again), shows the conversation from the event stream (one tab holds it and tells the
// others), and sends what the visitor writes: a bubble at once, kept and sent again after a lost connection until the
// server has stored it (its clientId makes a repeat harmless).
import { appendStyled, describeBytes, mark, messageText, quoteLine, renderAttachment, timeOf, waitOf, watchLength } from './ui.js';
import { shareStream } from './tab-share.js';
import { WORDS, askedLanguage, pickLanguage } from './words.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const embedded = document.body.classList.contains('embed');
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

// The page's own words in the visitor's language (the link's ?lang=, else the browser's), right to left for Arabic.
const language = pickLanguage(params.get('lang'), navigator.languages ?? [navigator.language]);
// The language the link asks for is the chat's: the server makes it the contact's, and the bot speaks it.
const chosenLanguage = askedLanguage(params.get('lang'));
const words = WORDS[language];
document.documentElement.lang = language;
document.documentElement.dir = words.dir;
$('name-label').textContent = words.askName;
$('rename').textContent = words.rename;
$('restart').textContent = words.restart;
$('cancel-rename').textContent = words.cancel;
$('text').placeholder = words.placeholder;
$('send-button').textContent = words.send;
$('attach').title = words.attach;
$('attach').setAttribute('aria-label', words.attachShort);

// On a phone the on-screen keyboard (and the browser's own bars) cover the foot of the window without making it any
// shorter: the page takes the height the browser shows, its visual viewport, so the box and Send stay above the
// keyboard and the newest message above them.
const viewport = window.visualViewport;
if (viewport) {
  const fitShown = () => {
    // Zoomed in with two fingers, what is shown is a piece of the page, not a shorter window: the page keeps its height.
    if (Math.abs(viewport.scale - 1) < 0.01) document.documentElement.style.setProperty('--shown-height', `${viewport.height}px`);
    else document.documentElement.style.removeProperty('--shown-height');
  };
  viewport.addEventListener('resize', fitShown);
  fitShown();
}

// The server's title and colour, or the embedding page's (data-title and data-color on the snippet).
const color = embedded && COLOR.test(params.get('color') ?? '') ? params.get('color') : document.querySelector('meta[name="switchboard-color"]').content;
document.documentElement.style.setProperty('--accent', color);
const title = embedded && params.get('title') ? params.get('title').slice(0, 80) : $('title').textContent;
// The shipped title is one of the page's words; a title the business chose stays as they wrote it.
const shownTitle = title === WORDS.en.title ? words.title : title;
$('title').textContent = shownTitle;
document.title = shownTitle;
$('log').dataset.hint = words.firstHint;

// The visitor is the browser's: their session in localStorage, which every tab of this site shares and the browser
// keeps when closed, until New visitor (in an embed, the browser keeps it per site embedding the chat). A browser may
// refuse an embed on another site any storage (a third party's): then the widget's page keeps the visitor in its own
// localStorage and hands it to this iframe (postMessage, between the two only). What waits to be sent is the tab's
// own (sessionStorage, kept across a reload): each tab sends what it was given, once.
const CHAT = 'switchboard.chat';
const PENDING = 'switchboard.pending';
/** What is written in the tab's box and not sent yet: kept across a reload, and a tab the browser discarded to save memory. */
const DRAFT = 'switchboard.draft';
// A browser that refuses storage (some private modes, a blocked iframe) throws on the mere look: then the page keeps
// the chat for as long as it is open.
const shared = (() => { try { return window.localStorage; } catch { return undefined; } })();
const own = (() => { try { return window.sessionStorage; } catch { return undefined; } })();
const load = (area, key, fallback) => {
  try { return JSON.parse(area.getItem(key) ?? 'null') ?? fallback; } catch { return fallback; }
};
const save = (area, key, value) => {
  try { if (value === null) area.removeItem(key); else area.setItem(key, JSON.stringify(value)); } catch { /* not kept: see above */ }
};

/** { session, token, name } once the visitor has started; a tab open since the chat lived in sessionStorage keeps its own. */
let chat = load(shared, CHAT, null) ?? load(own, CHAT, null);
if (chat) save(shared, CHAT, chat);
save(own, CHAT, null);
/** Whether the widget's page keeps the visitor, and its origin once it has spoken (its first message names it). */
const byHost = embedded && !shared && window.parent !== window;
let host;
/** Whether the page has begun: shown the chat or asked the name. */
let opened = false;
/** Keeps the visitor (null: none) where every tab finds them. */
const keep = (value) => {
  if (shared) save(shared, CHAT, value);
  else if (host) window.parent.postMessage({ switchboard: 'chat', chat: value }, host);
};
/** What the visitor sent that the server has not acknowledged yet, oldest first: { clientId, body, text, at }. */
let pending = load(own, PENDING, []);

const log = $('log');
const status = $('status');
const quote = $('quote');
const shown = new Set();
/** clientId → the bubble shown for it until the stored message replaces it. */
const placeholders = new Map();
let last = 0;
let lastConversation;
let replyTo;
/** This tab's part in the visitor's event stream (holding it, or told by the tab that does), while a chat is open. */
let stream;

const setStatus = (text) => { status.textContent = text; };

// New messages come into view while the visitor is at the newest one; while they read earlier ones, the page leaves
// them there and a button over the foot of the messages counts what came, and takes them down to it.
const newBelow = $('new-below');
/** Whether the visitor is at the newest message (within a line of it), as they last left it. */
let atEnd = true;
/** The messages that came below while the visitor read earlier ones: read once they are at the newest again. */
let below = [];
const nearEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight <= 48;
/** The visitor is at the newest message: what came below meanwhile is in front of them now. */
function reachedEnd() {
  atEnd = true;
  newBelow.hidden = true;
  for (const message of below.splice(0)) seen(message);
}
const scrollDown = () => {
  log.scrollTop = log.scrollHeight;
  reachedEnd();
};
/** After something grew (a picture loaded, the box or the keyboard took room): still at the newest message if they were. */
const keepAtEnd = () => { if (atEnd) scrollDown(); };
log.addEventListener('scroll', () => {
  if (nearEnd()) reachedEnd();
  else atEnd = false;
});
new ResizeObserver(keepAtEnd).observe(log);
newBelow.onclick = scrollDown;
/** A message came while the visitor reads earlier ones: counted on the button, not scrolled to, not read yet. */
function cameBelow(message) {
  below.push(message);
  newBelow.textContent = `${words.newBelow(below.length)} ↓`;
  newBelow.hidden = false;
}
const authorized = (current, headers = {}) => ({ ...headers, authorization: `Bearer ${current.token}` });

// The name form: to start, and to change the name later.
function askName(note = '') {
  stream?.stop();
  stream = undefined;
  $('chat').hidden = true;
  $('rename').hidden = true;
  $('restart').hidden = true;
  $('hello').hidden = false;
  $('start').textContent = chat ? words.save : words.start;
  // Changing the name may be given up: back to the chat as it was.
  $('cancel-rename').hidden = !chat;
  $('name').value = chat?.name ?? '';
  $('hello-status').textContent = note;
  $('name').focus();
}

/** Nothing visible: spaces, and marks an emptied box may keep (a direction mark an Arabic keyboard put in). */
const BLANK = /^[\s\p{Cf}]*$/u;

$('hello').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('name').value.trim().slice(0, 100);
  // Spaces alone are no name, said as an empty box is: in the page's words (the form is novalidate, for the
  // browser's own "fill out this field" is in its language, and lets spaces through).
  if (BLANK.test(name)) {
    $('hello-status').textContent = words.nameNeeded;
    $('name').focus();
    return;
  }
  if (chat) {
    chat.name = name;
    keep(chat);
    begin();
    return;
  }
  $('start').disabled = true;
  try {
    const res = await fetch('/webchat/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, ...(chosenLanguage ? { language: chosenLanguage } : {}) }) });
    const body = await res.json().catch(() => ({}));
    if (res.status !== 201) {
      // Over the limit of new chats: its own words, for it is not about sending.
      const tooMany = body.kind === 'rateLimited' || (body.kind === undefined && res.status === 429);
      $('hello-status').textContent = words.couldNotStart(tooMany ? words.tooManyStarts(waitOf(res, words)) : whyRefused(res, body));
      return;
    }
    // Another tab may have started first: this one is the visitor now, and that tab follows (see 'storage' below).
    chat = { session: body.session, token: body.token, name };
    keep(chat);
    begin();
  } catch {
    $('hello-status').textContent = words.unreachable;
  } finally {
    $('start').disabled = false;
  }
});

function begin() {
  $('hello').hidden = true;
  $('chat').hidden = false;
  $('rename').hidden = false;
  $('restart').hidden = false;
  for (const item of pending) if (!placeholders.has(item.clientId)) placeholder(item);
  share();
  // A draft kept from before a reload may be several lines: the box grows to show them, now that it is shown.
  fitBox();
  $('text').focus();
}

/** Forgets what this tab shows of the chat: its messages, what waits to be sent, its stream. */
function leave() {
  stream?.stop();
  stream = undefined;
  catching = undefined;
  toldMeanwhile = [];
  clearTimeout(retryTimer);
  chat = null;
  pending = [];
  save(own, PENDING, null);
  log.replaceChildren();
  shown.clear();
  placeholders.clear();
  unseen.clear();
  fileExpiry.clear();
  clearTimeout(renewTimer);
  last = 0;
  lastConversation = undefined;
  replyTo = undefined;
  below = [];
  scrollDown();
  quote.hidden = true;
  setStatus('');
}

/** The session is gone (an erased contact, a wiped store) or the visitor chose New visitor: every tab asks the name. */
function lost(reason) {
  const name = chat?.name;
  // What the visitor wrote to an ended chat, which the server did not take, waits in the box for the one they start.
  const unsent = reason ? unsentTexts() : [];
  leave();
  keep(null);
  askName(reason);
  $('name').value = name ?? '';
  keepInBox(unsent);
}

/** What this tab's visitor wrote that the server has not taken yet. */
function unsentTexts() {
  return pending.map((item) => item.body.text).filter(Boolean);
}

/** Puts texts not sent back in the box, after what it holds: nothing the visitor wrote is lost with a chat left. */
function keepInBox(texts) {
  if (texts.length === 0) return;
  setBox([box.value, ...texts].filter((text) => text.trim()).join('\n'));
}

// Another tab of the browser started a chat, changed the name, or left the chat (New visitor, or found it ended):
// this one follows, so every tab is the same visitor.
window.addEventListener('storage', (event) => {
  if (shared && event.storageArea === shared && (event.key === CHAT || event.key === null)) follow(load(shared, CHAT, null));
});
// The same, told by the widget's page when it keeps the visitor: its first word is who the visitor is now.
window.addEventListener('message', (event) => {
  if (!byHost || event.source !== window.parent || event.data?.switchboard !== 'chat') return;
  const now = chatOf(event.data.chat);
  if (!opened) {
    host = event.origin;
    chat = now;
    open();
  } else if (event.origin === host) {
    follow(now);
  }
});

/** A visitor as the widget's page hands it over, checked: { session, token, name? } or null. */
function chatOf(value) {
  if (typeof value?.session !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value.session) || typeof value.token !== 'string' || !/^[A-Za-z0-9_-]{1,512}$/.test(value.token)) return null;
  return { session: value.session, token: value.token, ...(typeof value.name === 'string' ? { name: value.name.slice(0, 100) } : {}) };
}

function follow(now) {
  if (chat && now?.session === chat.session) {
    chat.name = now.name;
    return;
  }
  if (!chat && !now) return;
  const left = chat;
  // Left in another tab (New visitor there, or the chat found ended): what this one had not sent yet waits in its box.
  const unsent = unsentTexts();
  leave();
  keepInBox(unsent);
  chat = now;
  if (chat) return begin();
  askName();
  if (left) void sayWhyLeft(left);
}

/** A chat another tab left: New visitor says nothing, but an ended one (erased, unknown to the server) says so here too. */
async function sayWhyLeft(left) {
  try {
    const res = await fetch(`/webchat/${left.session}/messages?limit=1`, { headers: authorized(left) });
    if (res.status !== 401 || chat || $('hello-status').textContent) return;
    $('hello-status').textContent = words.ended;
    if (!$('name').value) $('name').value = left.name ?? '';
  } catch { /* offline: the form asks the name all the same */ }
}

/**
 * How long the event stream may say nothing before the page drops it and connects again from the last message it
 * has: the server's `switchboard-stream-silence`, three of its keep-alives (15 s each by default).
 */
const STREAM_SILENCE_MS = Number(document.querySelector('meta[name="switchboard-stream-silence"]')?.content) || 45_000;

// Every tab of the browser is the same visitor, and the server lets a visitor hold a few event streams only: one tab
// holds the stream and tells the others each message and whether it is connected (tab-share.js). A tab not holding it
// reads what it missed with GET …/messages, and sends what is written in it itself.

/** Takes this tab's part in showing the chat: the stream's holder, or told by it; catching up with the server meanwhile. */
function share() {
  stream?.stop();
  const current = chat;
  stream = shareStream(`switchboard.chat:${current.session}`, {
    hold: (signal) => listen(current, signal),
    heard: (data) => heard(current, data),
    taken: () => { if (chat === current) share(); },
  });
  void catchUp(current);
  void flush();
}

/** Says how the stream is, here and in the visitor's other tabs. */
function told(text) {
  setStatus(text);
  stream?.tell({ status: text });
}

/**
 * Shows the session's messages as the server streams them (server-sent events read with fetch, not EventSource: the
 * token goes in a header, never in an address, which proxies log), and tells the visitor's other tabs; when the
 * stream ends (a restart, the connection lost, a 503 while the server starts), connects again from the last message
 * shown: nothing missed, nothing twice. Returns once the tab gives it up (another chat, New visitor, closed).
 */
async function listen(current, signal) {
  const gone = () => signal.aborted || chat !== current;
  while (!gone()) {
    let wait = 3000;
    // A connection that went silent (a phone between networks, a router that forgot it: no close ever comes) is
    // dropped once it has said nothing, not even a keep-alive, for longer than the server's keep-alives allow.
    const connection = new AbortController();
    const drop = () => connection.abort();
    signal.addEventListener('abort', drop, { once: true });
    let silence;
    const alive = () => {
      clearTimeout(silence);
      silence = setTimeout(drop, STREAM_SILENCE_MS);
    };
    alive();
    try {
      const res = await fetch(`/webchat/${current.session}/events?after=${last}`, { headers: authorized(current, { accept: 'text/event-stream' }), cache: 'no-store', signal: connection.signal });
      if (gone()) return;
      if (res.status === 401) return lost(words.ended);
      if (res.ok && res.body) {
        told('');
        void flush();
        wait = 1000;
        await readEvents(res.body, (message) => {
          const after = last;
          render(message);
          stream?.tell({ message, after });
        }, () => {
          alive();
          stream?.tell({ alive: true });
        });
      }
    } catch { /* offline, the server gone, silent too long, or aborted: see below */ } finally {
      clearTimeout(silence);
      signal.removeEventListener('abort', drop);
    }
    if (gone()) return;
    told(words.reconnecting);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}

/** What the tab holding the stream told, kept while this tab reads what it missed. */
let toldMeanwhile = [];
/** The reading under way: { chat, done }. */
let catching;

/**
 * What the tab holding the stream tells: a message, after the last one it had (`after`: if this tab has less, it
 * missed some, and reads them first), or how the stream is (connected again: what waits here is sent now).
 */
function heard(current, data) {
  if (chat !== current) return;
  if (typeof data?.status === 'string') {
    setStatus(data.status);
    if (!data.status) void flush();
    return;
  }
  if (!data?.message) return;
  if (catching || data.after > last) {
    toldMeanwhile.push(data.message);
    void catchUp(current);
    return;
  }
  render(data.message);
}

/** Reads from the server what this tab has not shown yet (GET …/messages, a page at a time), then what it was told meanwhile. */
function catchUp(current) {
  if (catching?.chat === current) return catching.done;
  const run = { chat: current };
  catching = run;
  run.done = (async () => {
    try {
      for (let more = true; more && chat === current;) {
        const res = await fetch(`/webchat/${current.session}/messages?after=${last}&limit=200`, { headers: authorized(current), cache: 'no-store' });
        if (chat !== current || !res.ok) break;
        const page = await res.json();
        for (const message of page.messages) render(message);
        more = page.more && page.messages.length > 0;
      }
    } catch { /* offline: the next message told, or the stream taken over, reads again */ }
    // Another chat began meanwhile (New visitor, another tab's): its own reading shows what it was told.
    if (catching !== run) return;
    catching = undefined;
    const heardMeanwhile = toldMeanwhile;
    toldMeanwhile = [];
    for (const message of heardMeanwhile) render(message);
  })();
  return run.done;
}

/** Hands each server-sent event's data, parsed, to `each`, until the stream ends; tells `onRead` of anything read (a keep-alive too). */
async function readEvents(body, each, onRead) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onRead();
    buffer += value;
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const data = buffer.slice(0, cut).split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(line[5] === ' ' ? 6 : 5)).join('\n');
      buffer = buffer.slice(cut + 2);
      if (data) each(JSON.parse(data));
    }
  }
}

function separator() {
  const element = document.createElement('div');
  element.className = 'separator';
  element.textContent = words.newConversation;
  return element;
}

/**
 * This tab's first message whose stored copy is not shown yet: still sending, or taken by the server while what was
 * stored before it (an agent's close, a reply written at the same moment) is still on its way to the page.
 */
function firstUnstored() {
  for (const element of placeholders.values()) if (!element.classList.contains('failed')) return element;
  return null;
}

/** A stored message, in id order, before the visitor's messages not shown as stored yet. */
function render(message) {
  if (shown.has(message.id)) return;
  shown.add(message.id);
  last = Math.max(last, message.id);
  const waiting = message.clientId !== undefined ? placeholders.get(message.clientId) : undefined;
  if (waiting) {
    placeholders.delete(message.clientId);
    forget(message.clientId);
  }
  // Where the visitor is before the message takes room (their scroll may not have been told yet).
  const following = waiting || (atEnd && nearEnd());
  const anchor = waiting ?? firstUnstored();
  if (message.conversationId !== undefined) {
    if (lastConversation !== undefined && message.conversationId !== lastConversation) log.insertBefore(separator(), anchor);
    lastConversation = message.conversationId;
  }
  for (const old of log.querySelectorAll('.choices button')) old.disabled = true;
  const element = bubble(message, 'sent');
  log.insertBefore(element, anchor);
  waiting?.remove();
  if (message.choice !== undefined) showPress(message, element);
  watchFiles(message);
  if (following) {
    scrollDown();
    seen(message);
  } else {
    cameBelow(message);
  }
}

function bubble(message, state) {
  const element = document.createElement('div');
  element.className = `msg ${message.from}`;
  if (message.id !== undefined) element.dataset.id = String(message.id);
  if (message.from !== 'contact') {
    const who = document.createElement('span');
    who.className = 'who';
    who.dir = 'auto';
    who.textContent = message.name || (message.from === 'agent' ? words.agent : words.bot);
    element.append(who);
  }
  if (message.quote) element.append(quoteLine(message.quote));
  if (message.text) element.append(messageText(message.text, message.styles));
  for (const attachment of message.attachments || []) element.append(renderAttachment(attachment, keepAtEnd, words));
  if (message.choices?.length) element.append(choices(message.choices, message.id));
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.append(timeOf(message.at));
  if (message.from === 'contact') meta.append(mark(state, words.marks[state]));
  element.append(meta);
  element.onclick = (event) => {
    if (message.id !== undefined && (event.target === element || event.target.classList?.contains('text'))) quoteMessage(message);
  };
  return element;
}

// `of`: the message the buttons hang on, sent with the press so that a button of an earlier question is told apart.
function choices(list, of) {
  const row = document.createElement('div');
  row.className = 'choices';
  for (const choice of list) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dir = 'auto';
    // Styled as a message is (a flow's "*Billing*"), its words always text.
    appendStyled(button, choice.title, choice.styles);
    button.dataset.choice = choice.id;
    button.onclick = (event) => {
      event.stopPropagation();
      // One press: every button of the question is done with at once.
      for (const other of row.querySelectorAll('button')) other.disabled = true;
      button.classList.add('chosen');
      send({ choice: choice.id, ...(of !== undefined ? { replyTo: of } : {}) }, choice.title);
    };
    row.append(button);
  }
  return row;
}

/**
 * Shows on the question's buttons which one was taken, pressed in this tab or another; a press that answered nothing
 * (its question answered already, typed or in another tab) is not shown as chosen, and its bubble says it was not taken.
 */
function showPress(message, element) {
  const row = message.of !== undefined ? log.querySelector(`.msg[data-id="${message.of}"] .choices`) : null;
  if (message.late) {
    element.classList.add('late');
    const note = document.createElement('div');
    note.className = 'late-note';
    note.textContent = words.notTaken;
    element.insertBefore(note, element.querySelector('.meta'));
    if (row && row.dataset.taken !== message.choice) for (const button of row.querySelectorAll('button')) if (button.dataset.choice === message.choice) button.classList.remove('chosen');
    return;
  }
  if (!row) return;
  row.dataset.taken = message.choice;
  for (const button of row.querySelectorAll('button')) button.classList.toggle('chosen', button.dataset.choice === message.choice);
}

// Clicking a message quotes it: an agent holding several conversations answers the one quoted.
function quoteMessage(message) {
  replyTo = message.id;
  quote.textContent = '↪ ' + (message.text || message.attachments?.[0]?.name || words.file).slice(0, 80) + ' ';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = '✕';
  cancel.onclick = () => { replyTo = undefined; quote.hidden = true; };
  quote.append(cancel);
  quote.hidden = false;
}

function placeholder(item) {
  const element = bubble({ from: 'contact', text: item.text, at: item.at }, 'pending');
  element.classList.add('pending');
  placeholders.set(item.clientId, element);
  log.append(element);
  scrollDown();
}

function setMark(clientId, state, title) {
  const element = placeholders.get(clientId);
  if (!element) return;
  element.classList.remove('pending');
  if (state === 'failed') element.classList.add('failed');
  element.querySelector('.mark')?.replaceWith(mark(state, title ?? words.marks[state]));
}

function forget(clientId) {
  pending = pending.filter((item) => item.clientId !== clientId);
  save(own, PENDING, pending);
}

/** Shows the message at once and sends it; it stays in the queue until the server has stored it. */
function send(body, text) {
  const item = { clientId: crypto.randomUUID(), body: { ...body, ...(chat.name ? { name: chat.name } : {}) }, text, at: new Date().toISOString() };
  pending.push(item);
  save(own, PENDING, pending);
  placeholder(item);
  void flush();
}

/**
 * Files chosen and not sent yet: a reload or closing the tab would lose them (the browser holds them), so it asks
 * first; and words sent after them wait for them.
 */
let uploading = 0;
/** The sending under way, if any: one at a time, so what waits goes in order. */
let flushing;
let retryTimer;

/**
 * Sends what waits, in order; stops at the first that cannot go now, and tries again later. While a file is on its
 * way, words sent after it wait for it: only those in `ahead` (sent before the file was chosen) go.
 */
function flush(ahead) {
  if (!chat) return Promise.resolve();
  if (!flushing) flushing = sendPending(ahead).finally(() => (flushing = undefined));
  return flushing;
}

async function sendPending(ahead) {
  clearTimeout(retryTimer);
  const current = chat;
  while (pending.length > 0) {
    const item = pending[0];
    if (uploading > 0 && !ahead?.has(item.clientId)) return;
    const outcome = await post(current, item);
    // The visitor left this chat meanwhile (here or in another tab): what it answered is no longer shown.
    if (chat !== current) return;
    if (outcome.lost) return lost(words.ended);
    if (outcome.retry) {
      setStatus(outcome.status);
      retryTimer = setTimeout(() => void flush(), outcome.retry);
      return;
    }
    forget(item.clientId);
    if (outcome.refused) {
      setMark(item.clientId, 'failed', words.notSent(outcome.refused));
      setStatus(words.notSent(outcome.refused));
    } else {
      setMark(item.clientId, 'sent');
      setStatus('');
    }
  }
}

async function post(current, item) {
  let res;
  try {
    res = await fetch(`/webchat/${current.session}/messages`, {
      method: 'POST',
      headers: authorized(current, { 'content-type': 'application/json' }),
      body: JSON.stringify({ ...item.body, clientId: item.clientId }),
    });
  } catch {
    return { retry: 3000, status: words.offline };
  }
  if (res.status === 202) return {};
  const reason = whyRefused(res, await res.json().catch(() => ({})));
  if (res.status === 401) return { lost: reason };
  // Shown alone while the page waits to send it again: a sentence, not the end of "Not sent: …".
  if (res.status === 429 || res.status >= 500) return { retry: 1000 * (Number(res.headers.get('retry-after')) || 3), status: words.alone(reason) };
  return { refused: reason };
}

/**
 * Why the server did not take a request: in the page's words and units when its `kind` says (over the size limit,
 * an empty file, a text too long, too fast, a server starting or failing…) or, for an answer without one (a proxy's
 * 502, say), its status does; else the server's own words, quoted on a page not in English.
 */
function whyRefused(res, body) {
  if (body.kind === 'tooLarge' && typeof body.maxBytes === 'number') return words.tooLargeToSend(describeBytes(body.maxBytes, words.units));
  if (body.kind === 'empty') return words.refusedEmpty;
  if (body.kind === 'fileType') return words.refusedType;
  if (body.kind === 'textTooLong' && typeof body.maxLength === 'number') return words.textTooLong(body.maxLength.toLocaleString('en'));
  if (body.kind === 'badRequest') return words.badRequest;
  if (body.kind === 'diskFull') return words.diskFull;
  if (body.kind === 'rateLimited' || (body.kind === undefined && res.status === 429)) return words.tooFast(waitOf(res, words));
  if (body.kind === 'unavailable' || (body.kind === undefined && res.status === 503)) return words.unavailable;
  if (body.kind === 'unauthorized') return words.ended;
  if (body.kind === 'internal' || (body.kind === undefined && res.status >= 500)) return words.serverAnswered(res.status);
  return typeof body.error === 'string' && body.error ? words.theirWords(body.error) : words.serverAnswered(res.status);
}

// A file's address opens it until its `expires` (a day): in a tab kept open longer, pictures, players and download
// links would open nothing. Shortly before an address runs out, and whenever one is found run out (a computer that
// slept, a picture scrolled back to, a link clicked), the page reads the messages carrying those files again, whose
// addresses the server gives anew, and puts them in place: no reload, no broken picture.
/** Message id → when to ask for its files' addresses again (ms), a little before the first of them runs out. */
const fileExpiry = new Map();
let renewTimer;
/** The renewal under way, which a picture failing meanwhile waits for. */
let renewing;

/** When the file address `url` runs out (ms), or undefined for an address that does not (an agent's, say). */
function expiryOf(url) {
  const expires = Number(new URL(url, location.href).searchParams.get('expires'));
  return expires > 0 ? expires * 1000 : undefined;
}

function watchFiles(message) {
  const ends = (message.attachments ?? []).map((attachment) => attachment.url && expiryOf(attachment.url)).filter(Boolean);
  if (ends.length === 0) return;
  const end = Math.min(...ends);
  // An hour before for a day's address; a quarter of what is left for a short one.
  fileExpiry.set(message.id, end - Math.min(3_600_000, (end - Date.now()) / 4));
  planRenewal();
}

/** Plans the next renewal when the first is due, and not sooner than `after` ms (a renewal that could not reach the server). */
function planRenewal(after = 0) {
  clearTimeout(renewTimer);
  if (fileExpiry.size === 0) return;
  const due = Math.min(...fileExpiry.values());
  renewTimer = setTimeout(() => void renewFiles(), Math.min(Math.max(due - Date.now(), after), 2 ** 31 - 1));
}

/** Reads again the messages whose files' addresses are due (or `ids`), a page at a time, and puts their new addresses in place. */
function renewFiles(ids = [...fileExpiry].filter(([, due]) => due <= Date.now() + 1000).map(([id]) => id)) {
  if (renewing) return renewing.then(() => renewFiles(ids.filter((id) => (fileExpiry.get(id) ?? Infinity) <= Date.now())));
  const current = chat;
  if (!current || ids.length === 0) return Promise.resolve(planRenewal());
  const until = Math.max(...ids);
  renewing = (async () => {
    let read = false;
    try {
      for (let after = Math.min(...ids) - 1; chat === current;) {
        const res = await fetch(`/webchat/${current.session}/messages?after=${after}&limit=200`, { headers: authorized(current), cache: 'no-store' });
        if (chat !== current || !res.ok) break;
        const page = await res.json();
        for (const message of page.messages) if (fileExpiry.has(message.id)) putAddresses(message);
        after = page.messages.at(-1)?.id ?? until;
        if (!page.more || after >= until) {
          read = true;
          break;
        }
      }
    } catch { /* offline: tried again in a while, or when the browser is back online or the tab shown again */ }
    // A message the server no longer lists has no new address to give: it is not asked for again.
    if (read) for (const id of ids) if (fileExpiry.get(id) <= Date.now()) fileExpiry.delete(id);
    renewing = undefined;
    planRenewal(read ? 0 : 30_000);
  })();
  return renewing;
}

/** Puts the files' new addresses in the message's bubble: its pictures, players and links. */
function putAddresses(message) {
  const element = log.querySelector(`.msg[data-id="${message.id}"]`);
  if (!element) return;
  for (const attachment of message.attachments ?? []) {
    if (!attachment.url) continue;
    const path = attachment.url.split('?')[0];
    for (const node of element.querySelectorAll('[src], [href]')) {
      const attribute = node.hasAttribute('src') ? 'src' : 'href';
      if (node.getAttribute(attribute).split('?')[0] !== path) continue;
      // A player playing has what it needs; it is renewed once it stops, or if it fails.
      if (node instanceof HTMLMediaElement && !node.paused) continue;
      const at = node instanceof HTMLMediaElement ? node.currentTime : 0;
      node.setAttribute(attribute, attachment.url);
      if (at) node.currentTime = at;
      node.classList.remove('renewing');
    }
  }
  watchFiles(message);
}

/** Whether `node` (a picture, player or link of a bubble) has an address that has run out, and its message's id. */
function ranOut(node) {
  const url = node?.getAttribute?.('src') ?? node?.getAttribute?.('href');
  const id = Number(node?.closest?.('.msg[data-id]')?.dataset.id);
  return url && id && (expiryOf(url) ?? Infinity) <= Date.now() ? id : undefined;
}

// A picture or player whose address ran out (a tab that slept past its renewal) is hidden, not shown broken, while
// its new address comes; a link is followed once renewed.
log.addEventListener('error', (event) => {
  const id = ranOut(event.target);
  if (!id) return;
  event.target.classList.add('renewing');
  void renewFiles([id]);
}, true);
log.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[href]');
  const id = ranOut(link);
  if (!id) return;
  event.preventDefault();
  void renewFiles([id]).then(() => { if (!ranOut(link)) link.click(); });
});
const renewDue = () => { if (chat && [...fileExpiry.values()].some((due) => due <= Date.now())) void renewFiles(); };
document.addEventListener('visibilitychange', renewDue);
window.addEventListener('online', renewDue);
window.addEventListener('pageshow', renewDue);

// Read marks: what the bot and agents sent, once the visitor had the page in front of them.
const unseen = new Set();
let readTimer;
function seen(message) {
  if (message.from === 'contact' || message.delivery === 'read') return;
  unseen.add(message.id);
  scheduleRead();
}
function scheduleRead() {
  if (document.visibilityState !== 'visible' || readTimer || unseen.size === 0) return;
  readTimer = setTimeout(async () => {
    readTimer = undefined;
    const ids = [...unseen].slice(-200);
    unseen.clear();
    try {
      await fetch(`/webchat/${chat.session}/read`, { method: 'POST', headers: authorized(chat, { 'content-type': 'application/json' }), body: JSON.stringify({ ids }) });
    } catch { /* a read mark is not worth a retry */ }
  }, 500);
}
document.addEventListener('visibilitychange', scheduleRead);
window.addEventListener('online', () => void flush());

/** The largest file the chat takes (the server's `MAX_ATTACHMENT_MB`); 0 where the page was not told. */
const MAX_FILE_BYTES = Number(document.querySelector('meta[name="switchboard-max-file-bytes"]')?.content) || 0;

/** The longest wait between two tries of a file while offline or while the server fails. */
const MAX_UPLOAD_WAIT_MS = 15_000;

/** Resolves after `ms`, or as soon as the browser says the connection is back. */
function backOnline(ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener('online', done);
  });
}

// A file, with what is in the text box as its caption: true once sent, the line saying why when refused for what it
// is, false when nothing more can go now (the chat ended, the server failing). Not kept across a reload (the browser
// holds the file, and asks before one while it is sent: `uploading`). Offline, it waits for the connection as a text
// does, however long that takes; the server failing it is tried a few times.
async function upload(file) {
  const current = chat;
  const input = $('text');
  // Over the largest file the chat takes: said at once, rather than after the phone sent it whole for nothing.
  if (MAX_FILE_BYTES > 0 && file.size > MAX_FILE_BYTES) return words.fileNotSent(file.name, words.tooLargeToSend(describeBytes(MAX_FILE_BYTES, words.units)));
  const caption = input.value;
  const form = new FormData();
  if (caption.trim()) form.append('text', caption);
  form.append('clientId', crypto.randomUUID());
  if (chat.name) form.append('name', chat.name);
  if (replyTo) form.append('replyTo', String(replyTo));
  form.append('file', file, file.name);
  setStatus(words.sending(file.name));
  for (let failures = 0, wait = 1000; chat === current; wait = Math.min(wait * 2, MAX_UPLOAD_WAIT_MS)) {
    try {
      const res = await fetch(`/webchat/${current.session}/messages`, { method: 'POST', headers: authorized(current), body: form });
      if (chat !== current) return false;
      if (res.ok) {
        setStatus('');
        if (input.value === caption) setBox('');
        replyTo = undefined;
        quote.hidden = true;
        return true;
      }
      const body = await res.json().catch(() => ({}));
      const reason = whyRefused(res, body);
      setStatus(words.fileNotSent(file.name, reason));
      if (res.status === 401) {
        lost(words.ended);
        return false;
      }
      if (res.status === 429) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * (Number(res.headers.get('retry-after')) || 3)));
        continue;
      }
      // Refused for what it is (too large, empty…), or no room on the server's disk for it (sent again at once, it would
      // be refused again, the whole file sent for nothing): the visitor's other files still go.
      if (res.status < 500 || body.kind === 'diskFull') return words.fileNotSent(file.name, reason);
      if (++failures >= 5) return false;
    } catch {
      setStatus(words.offlineRetrying);
    }
    await backOnline(wait);
  }
  return false;
}

window.addEventListener('beforeunload', (event) => {
  if (uploading > 0) event.preventDefault();
});

/** Files go one choice after another, each after the words sent before it was chosen, and before those sent after. */
let fileLane = Promise.resolve();

async function uploadAll(files) {
  uploading++;
  const ahead = new Set(pending.map((item) => item.clientId));
  const run = fileLane.then(async () => {
    await sentAhead(ahead);
    const refused = [];
    for (const file of files) {
      const outcome = await upload(file);
      if (outcome === false) return;
      if (outcome !== true) refused.push(outcome);
    }
    // Each file refused, on a line of its own, after the others went.
    if (refused.length > 0) setStatus(refused.join('\n'));
  });
  fileLane = run.catch(() => undefined);
  try {
    await run;
  } finally {
    uploading--;
    void flush();
  }
}

/** Resolves once the words in `ahead` are sent (or refused), trying again while the connection is away. */
async function sentAhead(ahead) {
  const current = chat;
  const waiting = () => chat === current && pending.some((item) => ahead.has(item.clientId));
  while (waiting()) {
    await flush(ahead);
    if (waiting()) await backOnline(1000);
  }
}

// The box keeps line breaks (a pasted address or order list): Enter sends, Shift+Enter starts a new line, and the
// box grows with its lines up to its max-height, then scrolls.
const box = $('text');
/** Sets what the box holds, kept as the tab's draft. */
function setBox(text) {
  box.value = text;
  fitBox();
  fits();
  save(own, DRAFT, text || null);
}
function fitBox() {
  box.style.height = '';
  if (box.scrollHeight > box.clientHeight) box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
}
box.addEventListener('input', () => {
  fitBox();
  save(own, DRAFT, box.value || null);
});
const fits = watchLength(box, $('too-long'), $('send-button'), words.tooLong);
box.value = load(own, DRAFT, '');
fits();
box.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  $('send').requestSubmit();
});

$('send').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('text');
  const text = input.value;
  if (BLANK.test(text) || !fits()) return;
  setBox('');
  const quoted = replyTo;
  replyTo = undefined;
  quote.hidden = true;
  send({ text, ...(quoted ? { replyTo: quoted } : {}) }, text);
});
const picker = $('file');
$('attach').onclick = () => picker.click();
picker.onchange = async () => {
  const files = [...picker.files];
  picker.value = '';
  await uploadAll(files);
};
const main = document.querySelector('main');
main.addEventListener('dragover', (event) => {
  if (!chat || ![...event.dataTransfer.types].includes('Files')) return;
  event.preventDefault();
  main.classList.add('dropping');
});
main.addEventListener('dragleave', (event) => { if (!main.contains(event.relatedTarget)) main.classList.remove('dropping'); });
main.addEventListener('drop', (event) => {
  if (!chat || !event.dataTransfer.files.length) return;
  event.preventDefault();
  main.classList.remove('dropping');
  void uploadAll([...event.dataTransfer.files]);
});
$('restart').onclick = () => {
  // Whatever is answered in the chat left would reach nobody: ask first, then tell the server the visitor left, so its
  // conversation closes and its agent is told (`keepalive`: sent though the page goes on to the name form).
  if ((shown.size > 0 || pending.length > 0) && !confirm(words.confirmRestart)) return;
  if (chat) tellLeft(chat);
  lost('');
  $('name').value = '';
};

/**
 * Chats left (New visitor) that the server has not been told of yet, { session, token }: kept where every tab and a
 * later visit find them (a visitor offline when they left), told once the browser is online again or the page opens.
 */
const LEAVES = 'switchboard.leaves';
const leavesArea = shared ?? own;

/** Tells the server the visitor left `left`'s chat, now or, offline, once they are back. */
function tellLeft(left) {
  const waiting = load(leavesArea, LEAVES, []).filter((each) => each.session !== left.session);
  save(leavesArea, LEAVES, [...waiting, { session: left.session, token: left.token }].slice(-20));
  void tellLeaves();
}

let telling = false;
/** Sends every leave kept: one taken, or refused for good (a session gone, a token expired), is not sent again. */
async function tellLeaves() {
  if (telling) return;
  telling = true;
  try {
    for (const left of load(leavesArea, LEAVES, [])) {
      let answer;
      try {
        // `keepalive`: sent though the page goes on to the name form, or closes.
        answer = await fetch(`/webchat/${left.session}/leave`, { method: 'POST', headers: authorized(left), keepalive: true });
      } catch {
        // Offline: told once the browser is online again.
        return;
      }
      // A 503 (the store out of reach) or a 429 is sent again later; the rest are the server's last word on it.
      if (answer.status === 503 || answer.status === 429) {
        setTimeout(() => void tellLeaves(), 30_000);
        return;
      }
      save(leavesArea, LEAVES, load(leavesArea, LEAVES, []).filter((each) => each.session !== left.session));
    }
  } finally {
    telling = false;
  }
}
window.addEventListener('online', () => void tellLeaves());
void tellLeaves();

$('rename').onclick = () => askName();
$('cancel-rename').onclick = () => begin();

function open() {
  if (opened) return;
  opened = true;
  if (chat) begin();
  else askName();
}
// The widget's page speaks once this page has loaded; a page that does not (not the widget) leaves this tab's chat to memory.
if (byHost) setTimeout(open, 2000);
else open();
