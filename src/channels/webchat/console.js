// The agent console's script (console.html): signs the agent in (POST /agent/login sets an http-only cookie),
// lists what they hold and their teams' queues from /agent/api/state, shows a transcript with the fields
// collected, acts through /agent/api/act, and answers customers, or one message of theirs (Reply on it). The agent's own web chat event stream says when
// something changed (one of the agent's console tabs holds it, and the live feed, for all: tab-share.js); a new message beeps (WebAudio) and counts in the title: "(3) Switchboard". Its own words are in
// English or Arabic, as the agent chooses (console-words.js).
import { clearAllDrafts, consoleDrafts } from './console-drafts.js';
import { CONSOLE_WORDS, consoleLanguage, storedLanguage, storeLanguage } from './console-words.js';
import { shareStream } from './tab-share.js';
import { mark, messageText, quoteLine, renderAttachment, secondsOf, timeOf, waitIn, waitOf, watchLength } from './ui.js';

const $ = (id) => document.getElementById(id);

let language = consoleLanguage(storedLanguage(), navigator.language);
let words = CONSOLE_WORDS[language];

/** Puts the page's own words in the current language, and its direction with them. */
function applyWords() {
  document.documentElement.lang = language;
  document.documentElement.dir = words.dir;
  for (const element of document.querySelectorAll('[data-word]')) element.textContent = words[element.dataset.word];
  for (const element of document.querySelectorAll('[data-word-placeholder]')) element.placeholder = words[element.dataset.wordPlaceholder];
  for (const element of document.querySelectorAll('[data-word-label]')) element.setAttribute('aria-label', words[element.dataset.wordLabel]);
  for (const element of document.querySelectorAll('[data-word-empty]')) element.dataset.empty = words[element.dataset.wordEmpty];
  for (const button of document.querySelectorAll('button.lang')) button.lang = language === 'en' ? 'ar' : 'en';
}
applyWords();

/** What GET /agent/api/state answered last. */
let state;
/** The conversation open on the right. */
let selected;
/** The newest message the open transcript shows: a close says it, and is refused when the customer wrote since. */
let newestShown;
/**
 * The customer's message the agent is answering (Reply on it), shown above the reply box: `{ conversationId, id, text,
 * edited? }` (`text`: what the customer reads of it now, `edited` once they edited it).
 */
let answering;
/** Whether the agent holds the open conversation: only then can they answer a message of it. */
let openHeld = false;
/** The channel of the open conversation: who wrote in the business's own app is said by it (its phone on WhatsApp). */
let openChannel;
/** What the agent typed and did not send, per conversation, in this browser (console-drafts.js), once signed in. */
let drafts;
/** The conversation whose drafts the boxes hold now. */
let boxesFor;
/** The boxes kept as drafts, by their name in a draft. */
const BOXES = { reply: 'reply-text', closeNote: 'close-note', note: 'note-text' };
/**
 * The replies being sent, their text by conversation id, each emptied from its box until the server answers: one per
 * conversation at a time, and one conversation's reply never holds up another's.
 */
const sending = new Map();
/**
 * The replies the server did not take, each back in its conversation's box, by conversation id: `{ until?, unreachable? }`
 * (see showUnsent); each said until that reply is sent, or given up (its box emptied).
 */
const unsent = new Map();
/** This console's part in its event streams (holding them, or told by the tab that does), while signed in. */
let events;
/** The status this console last asked for with its buttons. */
let statusChosen;
let audio;
let previousUnread;
let beeps = 0;
let refreshTimer;

class SignedOut extends Error {}

// The server words its answers (an action's result, a refusal) in the language the page is in, and says their times
// (who closed a conversation, when) in the browser's time zone, as the page shows its messages' times.
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
async function api(path, init = {}) {
  const headers = { 'accept-language': language, ...(timeZone ? { 'x-time-zone': timeZone } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers };
  const res = await fetch(`/agent/api${path}`, { ...init, headers });
  if (res.status === 401) {
    const reason = (await res.json().catch(() => ({}))).error;
    // On opening the page, not being signed in yet is no news; later, it is (expired, or a new token).
    // The server's reason is English: an Arabic console says its own words instead.
    forgetTyped();
    showSignIn(state ? (words) => words.signedOut((language === 'en' && reason) || words.signInAgain) : undefined);
    throw new SignedOut(reason);
  }
  return res;
}

/** Shows the sign-in, saying why (`line(words)`, see noteSignIn) unless it is the page's first look. */
function showSignIn(line = undefined) {
  keepDraft();
  drafts = undefined;
  boxesFor = undefined;
  state = undefined;
  events?.stop();
  events = undefined;
  previousUnread = undefined;
  document.title = 'Switchboard';
  $('app').hidden = true;
  $('signin').hidden = false;
  noteSignIn(line);
  $('token').focus();
}

/** The sign-in's line in the console's own words, `line(words)`: worded again when the agent switches language. */
let signInLine;
/**
 * Says under the sign-in why the agent is there (a refusal, signed out, Switchboard out of reach), or nothing.
 *
 *     noteSignIn((words) => words.unreachableSignIn);
 */
function noteSignIn(line) {
  signInLine = line;
  $('signin-error').textContent = line ? line(words) : '';
}

// Sound needs a click on the page first (the browser's rule): sign-in is one, and any later click resumes it.
function unlockSound() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch { /* no sound on this browser: the title still counts */ }
}
document.addEventListener('click', unlockSound);

$('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  unlockSound();
  stopCountdown();
  $('signin-button').disabled = true;
  try {
    const res = await fetch('/agent/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: $('token').value }) });
    if (res.status === 204) {
      $('token').value = '';
      await refresh();
      return;
    }
    const body = await res.json().catch(() => ({}));
    // Switchboard starting, or out of its store: the same sign-in again once the wait it asks for is over.
    if ((body.kind ?? (res.status === 503 ? 'unavailable' : undefined)) === 'unavailable') countdown(secondsOf(res), (words, when) => words.signInWaiting(when), () => $('signin').requestSubmit());
    else noteSignIn((words) => signInRefusal(res, body, words));
  } catch (error) {
    if (!(error instanceof SignedOut)) noteSignIn((words) => words.unreachableSignIn);
  } finally {
    $('signin-button').disabled = false;
  }
});

/**
 * Why the sign-in was refused, in the console's words for the answer's `kind` (or, for an answer without one, a proxy's
 * 502 say, its status); a wrong token in the server's own sentence on an English page, for it may name a variable to
 * set; else the server's own words, quoted on a page not in English.
 */
function signInRefusal(res, body, words) {
  const kind = body.kind ?? { 401: 'unauthorized', 429: 'rateLimited', 503: 'unavailable' }[res.status];
  if (kind === 'unauthorized') return (language === 'en' && typeof body.error === 'string' && body.error) || words.badToken;
  if (kind === 'rateLimited') return words.tooManyAttempts(waitOf(res, words));
  if (kind === 'badRequest' || kind === 'tooLarge') return words.notAToken;
  if (kind === 'internal' || (kind === undefined && res.status >= 500)) return words.serverAnswered(res.status);
  return typeof body.error === 'string' && body.error ? words.theirWords(body.error) : words.serverAnswered(res.status);
}

/**
 * What the server itself answered an action, a reply or a look, in the console's words by its `kind` (`say` takes it):
 * Switchboard starting or out of its store (with the wait it asks for), a failure, no such route; a request it did not
 * take in its own words, quoted on a page not in English. Undefined for any other answer: the console's API words
 * those in the page's language itself.
 */
function serverRefusal(res, body) {
  if (body.kind === 'unavailable') return (words) => words.unavailable(waitOf(res, words));
  if (body.kind === 'internal') return (words) => words.failed;
  if (body.kind === 'notFound') return (words) => words.noSuchRoute;
  if ((body.kind === 'badRequest' || body.kind === 'tooLarge') && typeof body.error === 'string' && body.error) {
    return (words) => (language === 'en' ? body.error : words.theirWords(body.error));
  }
  return undefined;
}

let countdownTimer;
/**
 * While Switchboard cannot serve the console (starting, or out of its store): says `line(words, when)` (on the sign-in
 * form until the console is shown, else under its header), `when` counting down the `seconds` it asked to wait, then
 * calls `again` (the sign-in, or the look, once more): the agent has nothing to press, and loses nothing typed.
 *
 *     countdown(5, (words, when) => words.signInWaiting(when), () => $('signin').requestSubmit());
 */
function countdown(seconds, line, again) {
  stopCountdown();
  let left = seconds;
  const tell = () => {
    const said = (words) => line(words, waitIn(left, words));
    if (!state) noteSignIn(said);
    // An action's refusal (a reply not sent, still in its box) stays what the agent reads, until their next action.
    else if (!$('result').classList.contains('refused') || $('result').dataset.unreachable) say(said, false, true);
  };
  tell();
  countdownTimer = setInterval(() => {
    left -= 1;
    if (left > 0) return tell();
    stopCountdown();
    again();
  }, 1_000);
}

function stopCountdown() {
  clearInterval(countdownTimer);
  countdownTimer = undefined;
}

$('logout').onclick = async () => {
  const res = await fetch('/agent/logout', { method: 'POST' }).catch(() => undefined);
  if (!res?.ok) {
    // Not signed out (the store out of reach, the server gone): the sign-in still opens this console, so it stays,
    // saying so, rather than a sign-in form that would let the agent walk away from a browser still signed in.
    const body = res ? await res.json().catch(() => ({})) : {};
    const why = !res ? (words) => words.unreachable : (serverRefusal(res, body) ?? ((words) => words.serverAnswered(res.status)));
    say((words) => words.notSignedOut(why(words)), false, !res);
    return;
  }
  stopCountdown();
  forgetTyped();
  showSignIn((words) => words.signedOutDone);
};

/**
 * The sign-in is over (signed out here, or expired, or ended by a new token, the page open or not): nothing the agent
 * typed for customers stays in this browser, for the next person at it to read or send.
 */
function forgetTyped() {
  clearAllDrafts();
  drafts = undefined;
  boxesFor = undefined;
  unsent.clear();
  for (const box of Object.values(BOXES)) $(box).value = '';
  answering = undefined;
  selected = undefined;
}

/**
 * One look at /state at a time, and a call made while one is under way looks again after it: an answer fetched before
 * an action of this agent's must not land after that action's own look (the list would go back, and the closed
 * conversation seem taken away).
 */
let refreshing;
let refreshAgain;
function refresh() {
  if (refreshAgain) return refreshAgain;
  if (!refreshing) {
    refreshing = look().finally(() => { refreshing = undefined; });
    return refreshing;
  }
  refreshAgain = refreshing.catch(() => {}).then(() => {
    refreshAgain = undefined;
    return refresh();
  });
  return refreshAgain;
}

async function look() {
  const res = await api('/state');
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    // Switchboard starting, or out of its store: looked at again once the wait it asks for is over, and the console
    // (or, before any list, the sign-in form) counts it down.
    if (body.kind === 'unavailable') {
      if (!state) showSignIn();
      countdown(secondsOf(res), (words, when) => (state ? words.unavailableWaiting(when) : words.signInWaiting(when)), () => void refresh().catch(() => {}));
      return;
    }
    // Said until the list comes again (the next look clears it); before any list, on the sign-in form.
    const refusal = serverRefusal(res, body);
    if (refusal && state) say(refusal, false, true);
    else if (refusal) showSignIn(refusal);
    return;
  }
  stopCountdown();
  const heldBefore = state ? state.held.map((conversation) => conversation.id) : [];
  const statusBefore = state?.status;
  state = await res.json();
  drafts ??= consoleDrafts(state.agent.id);
  // What was typed for a conversation no longer among the agent's or their queues' (closed, moved) cannot be sent.
  const listed = new Set(allConversations().map((conversation) => conversation.id));
  drafts.keepOnly([...listed]);
  for (const id of unsent.keys()) if (!listed.has(id)) unsent.delete(id);
  // A reply whose answer this page never read (reloaded meanwhile) that the server took: no draft any more. Looked for
  // at the page's first look; the open conversation's transcript tells it at each look (openConversation).
  if (statusBefore === undefined) await Promise.all([...listed].filter(triedUnanswered).map(async (id) => {
    const res = await api(`/conversations/${id}/messages?after=${drafts.get(id).tried.after ?? 0}&limit=200`).catch((error) => {
      if (error instanceof SignedOut) throw error;
      // Out of reach: it stays a draft until the next look (sent again, it is the same reply: its clientId).
    });
    if (res?.ok) wentBeforeReload(id, (await res.json().catch(() => ({}))).messages ?? []);
  }));
  // A reply the server did not take before this page was loaded (a reload, a new tab): still said not sent.
  for (const id of listed) {
    const why = drafts.get(id).tried?.unsent;
    if (why && !unsent.has(id) && !sending.has(id) && drafts.get(id).reply?.trim()) unsent.set(id, why);
  }
  // Set elsewhere (a chat command, the dashboard): the answer to this console's own status button is no longer true.
  if (statusBefore !== undefined && state.status !== statusBefore && state.status !== statusChosen && !$('result').classList.contains('refused')) show('', true);
  if ($('result').dataset.unreachable) show('', true);
  // A conversation that left the list by someone else's hand (an admin, a colleague, the customer's inactivity): say so.
  const heldNow = new Set(state.held.map((conversation) => conversation.id));
  const gone = heldBefore.filter((id) => !heldNow.has(id) && !actedOn.has(id));
  if (gone.length > 0 && language === 'en') show(gone.map((id) => notices.get(id) ?? words.noLongerYours(id)).join(' '), true, false, () => sayGone(gone));
  else if (gone.length > 0) void sayGone(gone);
  $('signin').hidden = true;
  $('app').hidden = false;
  showMe();
  showStatus();
  tellAwayNoConsole();
  renderLists();
  countUnread();
  if (selected !== undefined) await openConversation(selected);
  listen();
}

/** Whether the console said why the agent is away (set so while no console of theirs was open); said once per time. */
let toldAway = false;
/** Says, once, that the agent was set away because no console of theirs was open, and how to take customers again. */
function tellAwayNoConsole() {
  const setAway = state.status === 'away' && state.awayBecause === 'noConsole';
  const ms = state.awayAfterMs ?? 120_000;
  if (setAway && !toldAway) say((words) => words.awayNoConsole(spanOf(ms)), false);
  toldAway = setAway;
}

/** A span of time in the console's language, in minutes from a minute on (`2 minutes`, `دقيقتان`), else in seconds. */
function spanOf(ms) {
  const [value, unit] = ms >= 60_000 ? [Math.round(ms / 60_000), 'minute'] : [Math.max(1, Math.round(ms / 1_000)), 'second'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A team as the console shows it: by its title in the console's language (team.yaml's `title:`), else its name. */
function teamShown(team) {
  return state.teamTitles?.[team]?.[language] ?? team;
}

/** Who is signed in, and their teams as a list in the console's language, each name isolated (Latin ones in Arabic). */
function showMe() {
  const teams = state.agent.teams.flatMap((team, index) => [...(index > 0 ? [words.listSeparator] : []), isolated(teamShown(team))]);
  $('me').replaceChildren(isolated(state.agent.name), ' · ', ...teams);
}

/** The agent's status beside its buttons, in the console's words. */
function showStatus() {
  $('status-now').textContent = words.statuses[state.status] ?? state.status;
  $('online').classList.toggle('active', state.status === 'online');
  $('away').classList.toggle('active', state.status === 'away');
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => {}), 150);
}
// Notices may go to another app of the agent's (where they last wrote from), and what the customer's device
// reports (delivered, read) comes with no notice: look now and then all the same.
setInterval(() => { if (state) scheduleRefresh(); }, 15_000);
setInterval(() => { if (state && selected !== undefined && document.visibilityState === 'visible') void openConversation(selected).catch(() => {}); }, 5_000);

/**
 * The console's two event streams: the agent's own web chat session streams every notice to them (each one means
 * something changed), and the agents' changes (a status set elsewhere: a chat command, the dashboard, no console open)
 * come on the dashboard's feed, which no notice to the session tells: each one, a look at /state (a server without the
 * feed answers 404 and the 15 s look stays the only one). One of the agent's console tabs holds both and tells the
 * others (tab-share.js): the server lets a session hold 5 streams, and a browser 6 connections to a server, which
 * more tabs each with its own streams would take up, leaving the next tab unable to load at all.
 */
function listen() {
  if (events || !state) return;
  const session = state.agent.session;
  events = shareStream(`switchboard.console:${session ?? state.agent.name}`, {
    hold: (signal) => Promise.all([
      session && keepOpen(() => `/webchat/${encodeURIComponent(session)}/events?after=${state?.cursor ?? 0}`, 5_000, signal, (source) => {
        source.onmessage = (event) => {
          let message;
          try {
            message = JSON.parse(event.data);
          } catch {
            // Not a message: nothing to remember.
          }
          noticed(message);
          events?.tell({ message });
        };
      }),
      keepOpen(() => '/agent/api/events', 15_000, signal, (source) => {
        const changed = () => {
          scheduleRefresh();
          events?.tell({ agents: true });
        };
        source.addEventListener('agents', changed);
        source.addEventListener('delivery', (event) => {
          let conversationId;
          try {
            ({ conversationId } = JSON.parse(event.data));
          } catch {
            // Not JSON: the 5 s look says it.
          }
          delivery(conversationId);
          events?.tell({ delivery: conversationId });
        });
        // The feed replays nothing: a change made before it opened (or while it was down) is read at each opening.
        source.addEventListener('open', changed);
      }),
    ]),
    heard: (data) => (data?.agents ? scheduleRefresh() : data?.delivery !== undefined ? delivery(data.delivery) : noticed(data?.message)),
    taken: () => {
      events = undefined;
      listen();
    },
  });
}

/**
 * A reply in conversation `id` began or stopped waiting for its channel (in any process): shown, its transcript is
 * looked at now, so its "Not sent yet" comes (or goes) at once, not at the next 5 s look.
 */
function delivery(id) {
  if (typeof id === 'number' && id === selected && state) void openConversation(id).catch(() => {});
}

/**
 * Keeps an event stream at `url()` open until `signal` aborts, opened again `againMs` after the server closed or
 * refused it; `wire(source)` sets what it does with what comes.
 */
function keepOpen(url, againMs, signal, wire) {
  return new Promise((resolve) => {
    let source;
    let again;
    const open = () => {
      source = new EventSource(url());
      wire(source);
      source.addEventListener('error', () => {
        if (source.readyState !== EventSource.CLOSED) return;
        // Refused: a sign-in that ended (signed out in another tab, expired, no longer in team.yaml) ends the streams
        // and refuses them again. A look now says so (the sign-in form, why) instead of at the next 15 s look.
        if (state && !signal.aborted) void refresh().catch(() => {});
        again = setTimeout(() => { if (state && !signal.aborted) open(); }, againMs);
      });
    };
    open();
    signal.addEventListener('abort', () => {
      source.close();
      clearTimeout(again);
      resolve();
    }, { once: true });
  });
}

/** A notice to the agent's session (`message`, when it is one): what happened to a conversation is kept to say it; the lists are looked at again. */
function noticed(message) {
  if (message?.from === 'bot' && typeof message.text === 'string') {
    // Only what happened to a conversation (`#42 was closed by Nadia.`), not the cards and relays about it.
    for (const [line, id] of message.text.matchAll(/^#(\d+) was .*$/gm)) notices.set(Number(id), line);
  }
  scheduleRefresh();
}

function allConversations() {
  return [...state.held, ...state.queues.flatMap((queue) => queue.conversations)];
}

function countUnread() {
  const total = allConversations().reduce((sum, conversation) => sum + conversation.unread, 0);
  document.title = total > 0 ? `(${total}) Switchboard` : 'Switchboard';
  $('badge').hidden = total === 0;
  $('badge').textContent = String(total);
  if (previousUnread !== undefined && total > previousUnread) beep();
  previousUnread = total;
}

function beep() {
  beeps += 1;
  document.body.dataset.beeps = String(beeps);
  if (!audio || audio.state !== 'running') return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.25);
}

// A customer without a name is told apart by their `tag` (the start of their contact id), as on the agents' cards.
const nameOf = (conversation) => conversation.contact.name || [words.customer, conversation.contact.tag].filter(Boolean).join(' ');
const channelName = (channel) => words.channels[channel] ?? channel;

function isolated(text) {
  const element = document.createElement('bdi');
  element.textContent = text;
  return element;
}

/**
 * A conversation's row in a list; `withTeam` names its team first (in Yours, for an agent of more than one team: the
 * queues are headed by theirs, and a route titled as its team is no topic).
 */
function listItem(conversation, withTeam = false) {
  const item = document.createElement('li');
  item.dataset.id = String(conversation.id);
  if (conversation.id === selected) item.classList.add('selected');
  const line = document.createElement('div');
  line.className = 'line';
  const name = document.createElement('span');
  name.className = 'name';
  name.dir = 'auto';
  name.textContent = nameOf(conversation);
  const number = document.createElement('span');
  number.textContent = `#${conversation.id}`;
  line.append(name, number);
  if (conversation.unread > 0) {
    const unread = document.createElement('span');
    unread.className = 'unread';
    unread.textContent = String(conversation.unread);
    line.append(unread);
  }
  const excerpt = document.createElement('div');
  excerpt.className = 'excerpt';
  excerpt.translate = false;
  // Each part in its own direction, in the page's order: an English question after an Arabic title keeps its "?" at
  // its end, not at the left of the line.
  const last = conversation.lastMessage;
  // The reply an agent gave is said as theirs: read as the customer's words, it would hide that the customer waits.
  const by = last?.from === 'agent' ? [Object.assign(document.createElement('span'), { className: 'by', textContent: last.mine ? words.lastByYou : words.lastByAgent }), ' '] : [];
  // A press of an earlier question's button, marked as the transcript marks it: it answered nothing.
  const late = last?.late ? [' ', Object.assign(document.createElement('span'), { className: 'late', textContent: `(${words.lateButton})` })] : [];
  const team = withTeam && conversation.team ? teamShown(conversation.team) : undefined;
  // A team read by its title may say what the topic says (الفواتير twice): it is said once, as the topic.
  const teamPart = team !== undefined && team !== conversation.topic ? [[Object.assign(isolated(team), { className: 'team' })]] : [];
  const parts = [...teamPart, ...(conversation.topic ? [[isolated(conversation.topic)]] : []), ...(last?.text ? [[...by, isolated(last.text), ...late]] : [])];
  excerpt.replaceChildren(...parts.flatMap((part, index) => [...(index > 0 ? [' · '] : []), ...part]));
  const waiting = conversation.id !== boxesFor ? waitingIn(conversation.id) : [];
  if (waiting.length > 0) excerpt.replaceChildren(...waiting.flatMap(([kind, text], index) => [...(index > 0 ? [' · '] : []), Object.assign(document.createElement('span'), { className: kind, textContent: words[WAITING[kind]] }), ' ', isolated(text)]));
  item.append(line, excerpt);
  item.onclick = () => void openConversation(conversation.id, true).catch(() => {});
  return item;
}

/** The list's word before each kind of reply waiting in a conversation (see waitingIn). */
const WAITING = { 'not-sent': 'replyNotSent', sending: 'replySending', draft: 'draft' };

/**
 * What waits in conversation `id`, not open, as `[kind, text]` for its line in the list: a reply the server did not
 * take (the agent must send it again: never said as a mere draft); else a reply on its way, and what was typed since; else
 * a reply typed and not sent. Where the agent left words, after a reload too.
 */
function waitingIn(id) {
  const reply = drafts?.get(id).reply?.trim();
  if (unsent.has(id)) return reply ? [['not-sent', reply]] : [];
  const inFlight = sending.get(id);
  if (inFlight === undefined) return reply ? [['draft', reply]] : [];
  const since = reply?.startsWith(inFlight.trim()) ? reply.slice(inFlight.trim().length).trim() : '';
  return [['sending', inFlight.trim()], ...(since ? [['draft', since]] : [])];
}

function empty(text) {
  const item = document.createElement('li');
  item.className = 'empty';
  item.textContent = text;
  return item;
}

function renderLists() {
  const withTeam = state.agent.teams.length > 1;
  $('held').replaceChildren(...(state.held.length > 0 ? state.held.map((conversation) => listItem(conversation, withTeam)) : [empty(state.status === 'online' ? words.noneYet : words.noneOffline)]));
  const queues = state.queues.map((queue) => {
    const box = document.createElement('div');
    const title = document.createElement('h2');
    title.textContent = words.queue(queue.team ? teamShown(queue.team) : words.notRouted, queue.conversations.length);
    const list = document.createElement('ul');
    list.className = 'list';
    list.append(...(queue.conversations.length > 0 ? queue.conversations.map((conversation) => listItem(conversation)) : [empty(words.nobodyWaiting)]));
    box.append(title, list);
    return box;
  });
  $('queues').replaceChildren(...queues);
}

function field(list, { key, label, name, value }) {
  const term = document.createElement('dt');
  // The label the flow gives the field, in the console's language (the server words it); else its name (order number),
  // its path in a tooltip.
  term.append(isolated(label ?? name ?? key));
  term.title = key;
  term.translate = false;
  const detail = document.createElement('dd');
  detail.dir = 'auto';
  detail.translate = false;
  detail.textContent = String(value);
  list.append(term, detail);
}

/**
 * Whether `element` must be drawn again for what it shows now (`shown`, anything JSON can hold): false when it shows
 * that already, true (remembering it) otherwise.
 */
function redrawn(element, shown) {
  const drawn = JSON.stringify(shown);
  if (drawnFor.get(element) === drawn) return false;
  drawnFor.set(element, drawn);
  return true;
}
const drawnFor = new WeakMap();

/** Shows conversation `id`, kept where the agent scrolled; `opening` (picked from the list): at its newest message. */
async function openConversation(id, opening = false) {
  selected = id;
  showWhoseBoxes();
  for (const item of document.querySelectorAll('.list li')) item.classList.toggle('selected', item.dataset.id === String(id));
  const messages = [];
  let conversation;
  for (let after = 0, more = true; more;) {
    const res = await api(`/conversations/${id}/messages?after=${after}&limit=200`);
    if (res.status === 404) {
      selected = undefined;
      $('conversation').hidden = true;
      return;
    }
    const page = await res.json();
    conversation = page.conversation;
    messages.push(...page.messages);
    more = page.more && page.messages.length > 0;
    after = page.messages.at(-1)?.id ?? after;
    // Left while it was being read (Back on a phone, another conversation picked): not shown again over the list.
    if (selected !== id) return;
  }
  wentBeforeReload(id, messages);
  showDrafts(id);
  showWhoseBoxes();
  const held = conversation.stage === 'assigned';
  openHeld = held;
  openChannel = conversation.channel;
  if (answering && (answering.conversationId !== id || !held)) answering = undefined;
  // The customer deleted the message being answered: the reply goes without it, and the agent is told so.
  if (answering && messages.some((message) => message.id === answering.id && message.deleted)) {
    const name = answering.name || words.customer;
    answering = undefined;
    say((words) => words.answeringDeleted(name), false);
    keepDraft();
  }
  // The customer edited it meanwhile: the box quotes what they read now, as the reply will.
  const edited = answering && messages.find((message) => message.id === answering.id)?.edited;
  if (edited !== undefined && edited !== answering.text) {
    answering = { ...answering, text: edited, edited: true };
    keepDraft();
  }
  showAnswering();
  $('conversation').hidden = false;
  // Each part isolated (a Latin name in an Arabic console, an Arabic one in an English console), in the page's direction.
  // What it is about is its route's title, the intent it stands for under the pointer.
  const topic = conversation.topic && isolated(conversation.topic);
  if (topic) topic.title = conversation.intent;
  // A team read by its title may say what the topic says (الفواتير twice): it is said once, as the topic.
  const team = conversation.team ? teamShown(conversation.team) : words.noTeam;
  $('title').replaceChildren(...[isolated(`#${conversation.id}`), isolated(nameOf(conversation)), conversation.topic === team ? undefined : isolated(team), topic, isolated(channelName(conversation.app ?? conversation.channel))]
    .filter(Boolean).flatMap((part, index) => [...(index > 0 ? [' · '] : []), part]));
  // Drawn again only when something changed (it is looked at every 5 s): a new box would lose where the agent scrolled a
  // long need to, or the words they were selecting to copy.
  const fields = $('fields');
  if (redrawn(fields, [id, conversation.shown])) {
    fields.replaceChildren();
    for (const shown of conversation.shown) field(fields, shown);
  }
  $('claim').hidden = held;
  for (const id of ['handback-action', 'close-form', 'transfer-form', 'note-form', 'reply-form']) $(id).hidden = !held && id !== 'note-form';
  // Where the server would refuse it (a flow that ended at its assign step), Hand back shows disabled with its reason.
  const noHandBack = held ? conversation.noHandBack : undefined;
  $('handback').disabled = noHandBack !== undefined;
  if (noHandBack !== undefined) $('handback').setAttribute('aria-describedby', 'no-hand-back');
  else $('handback').removeAttribute('aria-describedby');
  $('no-hand-back').hidden = noHandBack === undefined;
  $('no-hand-back').textContent = noHandBack ?? '';
  $('template-form').hidden = !held || state.templates.length === 0;
  fillTransfer();
  fillTemplates();
  showUnsent();
  const transcript = $('transcript');
  const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
  if (redrawn(transcript, [id, language, held, answering ?? null, messages])) {
    showMessages(transcript, [id, language, held, answering ?? null], messages);
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  }
  if (opening) transcript.scrollTop = transcript.scrollHeight;
  const newest = messages.at(-1)?.id;
  newestShown = { conversationId: id, id: newest ?? 0 };
  if (conversation.unread > 0 && newest !== undefined && document.visibilityState === 'visible') {
    await api(`/conversations/${id}/read`, { method: 'POST', body: JSON.stringify({ upTo: newest }) });
    scheduleRefresh();
  }
}

/**
 * While a conversation picked from the list is on its way, the pane still shows the one before, whose reply may wait in
 * its box: it takes no click or key until the picked one is drawn (its Send, Enter, Close or Add note would act on the
 * conversation picked, sending one customer's reply to another), and says it is busy, dimmed if that takes a moment.
 */
function showWhoseBoxes() {
  const loading = selected !== undefined && selected !== boxesFor;
  $('conversation').inert = loading;
  $('conversation').setAttribute('aria-busy', String(loading));
}

/**
 * Draws `messages` in `transcript`: only the bubbles whose message changed (a delivery mark, an edit) and those new, when
 * the rest (`context`: the conversation, the language, whether it is held, the reply being answered) is as drawn, so
 * that words the agent is selecting in another bubble stay selected; every bubble anew otherwise.
 */
function showMessages(transcript, context, messages) {
  const drawn = bubblesDrawn.get(transcript);
  const key = JSON.stringify(context);
  const now = new Map(messages.map((message) => [message.id, JSON.stringify(message)]));
  const kept = drawn !== undefined && drawn.key === key && drawn.ids.every((id, index) => messages[index]?.id === id);
  if (!kept) {
    transcript.replaceChildren(...messages.map(bubble));
  } else {
    const elements = [...transcript.children];
    messages.forEach((message, index) => {
      if (index >= drawn.ids.length) transcript.append(bubble(message));
      else if (drawn.shown.get(message.id) !== now.get(message.id)) elements[index]?.replaceWith(bubble(message));
    });
  }
  bubblesDrawn.set(transcript, { key, ids: messages.map((message) => message.id), shown: now });
}
const bubblesDrawn = new WeakMap();

function bubble(message) {
  const element = document.createElement('div');
  element.className = `msg ${message.from}`;
  element.dataset.id = String(message.id);
  const who = document.createElement('span');
  who.className = 'who';
  who.dir = 'auto';
  who.textContent = { contact: message.name || words.customer, bot: words.bot, agent: message.name || words.agent, note: message.name ? words.noteBy(message.name) : words.note }[message.from];
  // No agent of Switchboard's wrote it: someone at the business answered in its own app (on WhatsApp, its phone).
  if (message.inApp) {
    element.classList.add('in-app');
    who.textContent = words.inApp[openChannel?.startsWith('whatsapp') ? 'whatsapp' : 'other'];
    who.title = words.inAppTitle;
  }
  element.append(who);
  // What people wrote (and the message it answers) is theirs, in their language: never the console's to translate.
  if (message.quote) element.append(Object.assign(quoteLine(message.quote), { translate: false }));
  if (message.text) element.append(Object.assign(messageText(message.text, message.styles), { translate: false }));
  for (const attachment of message.attachments || []) element.append(renderAttachment(attachment, undefined, words));
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.append(timeOf(message.at));
  if (message.status) {
    const state = message.status === 'failed' ? 'failed' : message.delivery ?? (message.status === 'sent' ? 'sent' : message.waiting ? 'waiting' : 'pending');
    meta.append(mark(state, message.status === 'failed' ? words.notDelivered(whyNotDelivered(message)) : words.marks[state]));
  }
  // Said in words under the reply, not only on its mark: an agent working from here learns it did not reach the
  // customer (or has not yet), as their messaging app would have told them.
  const undelivered = message.status === 'failed' ? words.didNotReach(whyNotDelivered(message)) : message.waiting ? words.notSentYet(message.waiting.reason) : undefined;
  if (undelivered !== undefined) element.append(Object.assign(document.createElement('div'), { className: `undelivered ${message.status === 'failed' ? 'failed' : 'waiting'}`, textContent: undelivered }));
  // A reply of an agent's that did not reach the customer, text only: Send again, once (gone once its copy was sent).
  // One the server would refuse (nothing reaches the customer until they write) says why instead, in the console's language.
  if (message.status === 'failed' && message.notAgain && openHeld) element.append(Object.assign(document.createElement('div'), { className: 'not-again', textContent: message.notAgain[language] ?? message.notAgain.en }));
  else if (message.status === 'failed' && message.from === 'agent' && !message.inApp && message.text && !message.attachments?.length && !message.sentAgain && openHeld) {
    const again = document.createElement('button');
    again.type = 'button';
    again.className = 'send-again';
    again.textContent = words.sendAgain;
    again.onclick = () => sendAgain(message, again);
    element.append(again);
  }
  if (message.deleted) meta.append(Object.assign(document.createElement('span'), { className: 'deleted', textContent: words.deleted }));
  if (message.late) meta.append(Object.assign(document.createElement('span'), { className: 'late', textContent: words.lateButton }));
  if (message.edited !== undefined) meta.append(Object.assign(document.createElement('span'), { className: 'edited', textContent: words.edited }));
  if (message.answerable && openHeld) {
    const reply = document.createElement('button');
    reply.type = 'button';
    reply.className = 'reply-to';
    reply.textContent = words.reply;
    reply.onclick = () => answer(message);
    meta.append(reply);
  }
  element.append(meta);
  return element;
}

/** Sends a reply that did not reach the customer again (the server refuses while nothing would reach them), saying how it went. */
async function sendAgain(message, button) {
  button.disabled = true;
  try {
    const res = await api(`/conversations/${selected}/messages/${message.id}/again`, { method: 'POST' });
    const body = await res.json().catch(() => ({}));
    const refusal = res.ok ? undefined : serverRefusal(res, body);
    if (refusal) say(refusal, false);
    else if (body.message ?? body.error) showAnswer(body.message ?? body.error, body.inEachLanguage, res.ok);
    else say((words) => words.serverAnswered(res.status), false);
    await refresh();
  } catch (error) {
    if (!(error instanceof SignedOut)) say((words) => words.unreachableRetry, false, true);
  } finally {
    button.disabled = false;
  }
}

/** Why a message did not reach the customer: in the console's words when the channel could tell, else the channel's, quoted. */
function whyNotDelivered(message) {
  return (message.failure && words.failures[message.failure]) || words.theirWords(message.error ?? '');
}

/** The agent's Reply on a customer's message: the reply box answers it, until sent or cancelled. */
function answer(message) {
  // What the customer reads of it now: edited since, its new text, as the reply quotes it.
  const text = message.edited ?? (message.text || message.attachments?.[0]?.name || words.file);
  answering = { conversationId: selected, id: message.id, name: message.name, text, ...(message.edited !== undefined ? { edited: true } : {}) };
  showAnswering();
  keepDraft();
  $('reply-text').focus();
}

/** Above the reply box: the message being answered, with a way to cancel; nothing when none is. */
function showAnswering() {
  const box = $('answering');
  box.hidden = !answering;
  if (!answering) return;
  $('answering-who').textContent = (answering.edited ? words.replyingToEdited : words.replyingTo)(answering.name || words.customer);
  $('answering-text').replaceChildren(quoteLine(answering.text));
}

function cancelAnswering() {
  answering = undefined;
  showAnswering();
  keepDraft();
}

/**
 * Keeps what the boxes hold as the drafts of the conversation they show (a reply being sent counts as in its box, before
 * what was typed since, as it goes back there if refused), with the message the reply answers.
 */
function keepDraft() {
  if (!drafts || boxesFor === undefined) return;
  const draft = drafts.get(boxesFor);
  for (const [name, box] of Object.entries(BOXES)) draft[name] = $(box).value;
  const inFlight = sending.get(boxesFor);
  if (inFlight !== undefined) draft.reply = draft.reply.trim() ? `${inFlight}\n${draft.reply}` : inFlight;
  draft.replyTo = answering?.conversationId === boxesFor ? answering : undefined;
  drafts.put(boxesFor, draft);
}

/** Puts conversation `id`'s drafts in the boxes, those of the one they showed kept first. Never sends anything. */
function showDrafts(id) {
  if (boxesFor === id || !drafts) return;
  keepDraft();
  boxesFor = id;
  const draft = drafts.get(id);
  for (const [name, box] of Object.entries(BOXES)) $(box).value = draft[name] ?? '';
  const inFlight = sending.get(id);
  if (inFlight !== undefined) $('reply-text').value = (draft.reply ?? '').startsWith(inFlight) ? draft.reply.slice(inFlight.length).replace(/^\n/, '') : draft.reply ?? '';
  $('close-share').checked = false;
  answering = draft.replyTo?.conversationId === id ? draft.replyTo : undefined;
  showAnswering();
  replyFits();
  if (state) renderLists();
}

/**
 * Drops from conversation `id`'s drafts what was done (`name`: a note added, a reply sent: `text` of it, `answered`:
 * the message it answered): from its box when the boxes show that conversation, from the kept draft otherwise.
 */
function done(id, name, text = undefined, answered = undefined) {
  if (!drafts) return;
  if (boxesFor === id) {
    // A sent reply is out of its box already: what is there now was typed since.
    if (text === undefined) $(BOXES[name]).value = '';
    keepDraft();
  }
  const draft = drafts.get(id);
  if (boxesFor !== id) {
    const kept = draft[name] ?? '';
    draft[name] = text === undefined ? '' : kept.startsWith(text) ? kept.slice(text.length).replace(/^\n/, '') : kept;
  }
  if (name === 'reply') delete draft.tried;
  if (answered !== undefined && draft.replyTo?.id === answered.id) delete draft.replyTo;
  drafts.put(id, draft);
}

/**
 * Whether conversation `id`'s draft is a reply sent from a page that never read the server's answer (reloaded, closed
 * before it came; its request cut by the reload, it was kept as not sent): this page neither sends it nor said it not sent.
 */
function triedUnanswered(id) {
  const tried = drafts?.get(id).tried;
  return tried?.clientId !== undefined && tried.text !== undefined && !sending.has(id) && !unsent.has(id);
}

/**
 * Drops from conversation `id`'s draft a reply whose answer this page never read, once `messages` (its transcript) show
 * it with its clientId: the server took it, and it is no draft to send again; what was typed after it stays.
 */
function wentBeforeReload(id, messages) {
  if (!triedUnanswered(id)) return;
  const draft = drafts.get(id);
  const { clientId, text, answered } = draft.tried;
  if (!messages.some((message) => message.clientId === clientId)) return;
  const kept = draft.reply ?? '';
  draft.reply = kept.startsWith(text) ? kept.slice(text.length).replace(/^\n/, '') : kept;
  delete draft.tried;
  if (answered !== undefined && draft.replyTo?.id === answered) delete draft.replyTo;
  drafts.put(id, draft);
  if (boxesFor !== id) return;
  $(BOXES.reply).value = draft.reply;
  if (answering?.id === answered) answering = undefined;
  showAnswering();
  replyFits();
}

let unsentTimer;
/**
 * Above the reply box, while a reply the server did not take waits in it: why, when it can go again (the wait the
 * server asked for, counted down), and a button that sends it again, once: the same reply (clientId) while its text is
 * unchanged. Nothing goes by itself.
 */
function showUnsent() {
  clearTimeout(unsentTimer);
  const box = $('unsent');
  const why = selected === boxesFor && openHeld && $('reply-text').value.trim() !== '' ? unsent.get(selected) : undefined;
  box.hidden = !why;
  if (!why) return;
  const left = why.until === undefined ? 0 : Math.ceil((why.until - Date.now()) / 1_000);
  $('unsent-line').textContent = why.unreachable ? words.unsentUnreachable : left > 0 ? words.unsentWaiting(waitIn(left, words)) : words.unsentReady;
  $('send-again').disabled = left > 0 || sending.has(selected);
  if (left > 0) unsentTimer = setTimeout(showUnsent, 1_000);
  else if ($('result').dataset.unsent === String(selected)) show('', true);
}

function fillTransfer() {
  const select = $('transfer-to');
  const chosen = select.value;
  const group = (label, options) => {
    const element = document.createElement('optgroup');
    element.label = label;
    for (const [value, text] of options) element.append(new Option(text, value));
    return element;
  };
  // Nothing chosen at first: the conversation's own team would be the likeliest slip.
  const prompt = new Option(words.transferPrompt, '', !chosen, !chosen);
  prompt.disabled = true;
  select.replaceChildren(
    prompt,
    group(words.teams, state.teams.map((team) => [team, teamShown(team)])),
    group(words.colleagues, state.colleagues.map((colleague) => [colleague.id, colleague.name])),
  );
  if (chosen) select.value = chosen;
}

function fillTemplates() {
  const select = $('template-name');
  if (select.options.length === state.templates.length) return;
  select.replaceChildren(...state.templates.map((name) => new Option(name, name)));
}

let shownTimer;
/** How many lines were said under the header: an action's late "done" does not cover a newer one. */
let linesShown = 0;
/** How the line under the header is said again in another language, when the agent switches to it. */
let shownAgain;
/**
 * The line under the header: what the last action did (cleared after a while), what went wrong (kept until the next
 * line), or that the server cannot be reached (`unreachable`: cleared once it answers again). `again` says it anew in
 * the console's new language; without it, a switch of language clears the line (the server worded it in the old one).
 */
function show(text, ok, unreachable = false, again = undefined) {
  // A line cleared (its time up) is nothing newer for an action's answer to keep off.
  if (text) linesShown++;
  clearTimeout(shownTimer);
  shownAgain = text ? again : undefined;
  $('result').textContent = text;
  $('result').classList.toggle('refused', !ok);
  $('result').dataset.unreachable = unreachable ? '1' : '';
  $('result').dataset.unsent = '';
  if (ok && text) shownTimer = setTimeout(() => show('', true), 10_000);
}

/**
 * The line under the header in the console's own words, `line(words)`: worded again when the agent switches language.
 *
 *     say((words) => words.unreachableRetry, false, true);
 */
function say(line, ok, unreachable = false) {
  show(line(words), ok, unreachable, () => say(line, ok, unreachable));
}

/**
 * What the server answered, `text` in the console's language, under the header: said again in the language the agent
 * switches to from the answer's `inEachLanguage`; an answer without it (the server's English) is kept as it came.
 *
 *     showAnswer(body.error, body.inEachLanguage, false);
 */
function showAnswer(text, inEachLanguage, ok) {
  show(text, ok, false, () => showAnswer(inEachLanguage?.[language] ?? text, inEachLanguage, ok));
}

/** The latest notice the bot sent this agent about each conversation (`#42 was moved to Support by Nadia.`). */
const notices = new Map();

/**
 * Says, in a console not in English, what became of conversations that left the list by someone else's hand: the
 * notices the agent's app got are English, so the server's account of each in the console's language, else that
 * they are no longer the agent's.
 */
async function sayGone(gone) {
  const asked = language;
  const lines = await Promise.all(gone.map(async (id) => (await outcome(id)) ?? words.noLongerYours(id)));
  if (language === asked) show(lines.join(' '), true, false, () => sayGone(gone));
}

async function outcome(id) {
  try {
    const res = await api(`/conversations/${id}/outcome`);
    return res.ok ? (await res.json()).message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Conversations this console is acting on, until the action's own refresh has shown its outcome: they may leave the
 * list without a word (the action's answer says what happened).
 */
const actedOn = new Map();

/**
 * Does `action` through /agent/api/act and says its answer; `typed`: what the agent wrote for it (a closing note, a
 * note) stays in its box when it is not done, as its refusal says.
 */
async function act(action, typed = false) {
  if (action.kind === 'status') statusChosen = action.status;
  const id = action.conversationId;
  if (id !== undefined) actedOn.set(id, (actedOn.get(id) ?? 0) + 1);
  const linesBefore = linesShown;
  try {
    const res = await api('/act', { method: 'POST', body: JSON.stringify({ action }) });
    const body = await res.json().catch(() => ({}));
    const answer = body.message ?? body.error;
    const refusal = res.ok ? undefined : typed && body.kind === 'unavailable' ? (words) => words.keptUnavailable(waitOf(res, words)) : serverRefusal(res, body);
    // What it did, once something newer is on the line (a reply refused meanwhile), is not said over it; a refusal is.
    const late = res.ok && body.ok && linesShown !== linesBefore;
    if (refusal) say(refusal, false);
    else if (late) { /* said over a newer line: see above */ }
    else if (answer) showAnswer(answer, body.inEachLanguage, res.ok && body.ok);
    else say((words) => words.serverAnswered(res.status), false);
    await refresh();
    return res.ok && body.ok;
  } catch (error) {
    if (!(error instanceof SignedOut)) say((words) => words.unreachableRetry, false, true);
    return false;
  } finally {
    if (id !== undefined) {
      const left = actedOn.get(id) - 1;
      if (left > 0) actedOn.set(id, left);
      else actedOn.delete(id);
    }
  }
}

// The language button: the other language, kept in this browser; what is shown is worded again at once.
for (const button of document.querySelectorAll('button.lang')) {
  button.onclick = () => {
    language = language === 'en' ? 'ar' : 'en';
    words = CONSOLE_WORDS[language];
    storeLanguage(language);
    applyWords();
    replyFits();
    showUnsent();
    if (signInLine) $('signin-error').textContent = signInLine(words);
    // The last action's answer: said again in the new language where the console can, else cleared; a reply's refusal
    // still goes once its wait is over.
    const unsentMark = $('result').dataset.unsent;
    if (shownAgain) {
      shownAgain();
      $('result').dataset.unsent = unsentMark;
    } else if ($('result').textContent) show('', true);
    if (!state) return;
    showMe();
    showStatus();
    renderLists();
    // What the server words (the fields' labels, what a conversation is about) comes again in the new language.
    scheduleRefresh();
    if (selected !== undefined) void openConversation(selected).catch(() => {});
  };
}

// On a narrow screen the list and the conversation take turns: back to the list.
$('back').onclick = () => {
  selected = undefined;
  $('conversation').hidden = true;
  renderLists();
  window.scrollTo(0, 0);
};
$('online').onclick = () => act({ kind: 'status', status: 'online' });
$('away').onclick = () => act({ kind: 'status', status: 'away' });
$('claim').onclick = () => act({ kind: 'claim', conversationId: selected });
$('handback').onclick = () => act({ kind: 'handBack', conversationId: selected });
$('close-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const note = $('close-note').value.trim();
  const shareNote = note !== '' && $('close-share').checked;
  const seen = newestShown?.conversationId === selected ? { seen: newestShown.id } : {};
  const id = selected;
  if (await act({ kind: 'close', conversationId: id, ...(note ? { note } : {}), ...(shareNote ? { shareNote } : {}), ...seen }, note !== '')) {
    done(id, 'closeNote');
    if (boxesFor === id) $('close-share').checked = false;
  }
});
$('transfer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act({ kind: 'transfer', conversationId: selected, to: $('transfer-to').value });
});
$('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = selected;
  if (await act({ kind: 'note', conversationId: id, text: $('note-text').value }, true)) done(id, 'note');
});
$('template-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const params = $('template-params').value.split('|').map((param) => param.trim()).filter(Boolean);
  void act({ kind: 'template', conversationId: selected, name: $('template-name').value, params });
});
const replyFits = watchLength($('reply-text'), $('reply-too-long'), $('reply-form').querySelector('button'), (length, max) => words.tooLong(length, max));
// Enter sends; Shift+Enter starts a new line (steps to follow, an address), which the customer reads as lines.
$('answering-cancel').onclick = () => { cancelAnswering(); $('reply-text').focus(); };
$('reply-text').addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && answering) return cancelAnswering();
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  $('reply-form').requestSubmit();
});
$('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('reply-text');
  const text = input.value;
  const id = selected;
  if (!text.trim() || id === undefined || sending.has(id) || !replyFits()) return;
  const answered = answering?.conversationId === id ? answering : undefined;
  // A reply tried before and not known to be sent is that same reply, its text edited or not: if it did reach the
  // server, it is not sent twice (edited, the customer gets the edit as a correction of it).
  const tried = drafts?.get(id).tried;
  const clientId = tried?.clientId ?? crypto.randomUUID();
  sending.set(id, text);
  input.value = '';
  // With what it says, what it answers and where the transcript stood: a reload before the server's answer finds it there (wentBeforeReload).
  const after = newestShown?.conversationId === id ? newestShown.id : undefined;
  if (drafts) drafts.put(id, { ...drafts.get(id), reply: text, tried: { clientId, text, ...(answered ? { answered: answered.id } : {}), ...(after !== undefined ? { after } : {}) } });
  showUnsent();
  /**
   * Back in its box (that conversation's, wherever the agent is now); `why` it may go again as it is (Switchboard out
   * of its store, or out of reach), said above the box with its Send again. A reply refused for what it is (the
   * conversation moved, the message it answered deleted) is only put back: the line under the header says why.
   */
  const putBack = (why = undefined) => {
    sending.delete(id);
    if (boxesFor === id) keep(input, text);
    if (why) unsent.set(id, why);
    keepDraft();
    // Kept with the draft: after a reload the reply is still said not sent, with its Send again, not taken for a draft.
    if (why && drafts) drafts.put(id, { ...drafts.get(id), tried: { ...drafts.get(id).tried, unsent: why } });
    showUnsent();
    if (state) renderLists();
  };
  try {
    const body = { text, clientId, ...(answered ? { replyTo: answered.id } : {}) };
    const res = await api(`/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify(body) });
    if (res.status !== 202) {
      const body = await res.json().catch(() => ({}));
      putBack(body.kind === 'unavailable' ? { until: Date.now() + secondsOf(res) * 1_000 } : undefined);
      const refusal = body.kind === 'unavailable' ? (words) => words.replyUnavailable(waitOf(res, words)) : serverRefusal(res, body);
      if (refusal) say(refusal, false);
      else if (body.error) showAnswer(body.error, body.inEachLanguage, false);
      else say((words) => words.serverAnswered(res.status), false);
      // Its "send it again in 5 s" goes once the wait is over: the line above the box says what to do then.
      if (body.kind === 'unavailable') $('result').dataset.unsent = String(id);
      return;
    }
    sending.delete(id);
    unsent.delete(id);
    if (answering === answered) cancelAnswering();
    done(id, 'reply', text, answered);
    showUnsent();
    // Its line in the list: the reply, as the conversation's last message, no longer as being sent.
    scheduleRefresh();
    const accepted = await res.json().catch(() => ({}));
    if (accepted.corrected && accepted.message) showAnswer(accepted.message, accepted.inEachLanguage, true);
    else show('', true);
    // At its newest message: the agent sees the reply they sent, even where the line about a reply not sent, gone now,
    // had moved the transcript off its end.
    if (selected === id) await openConversation(id, true);
  } catch (error) {
    if (error instanceof SignedOut) return putBack();
    putBack({ unreachable: true });
    say((words) => words.unreachableReply, false, true);
  }
});
$('send-again').onclick = () => $('reply-form').requestSubmit();
for (const box of Object.values(BOXES)) {
  $(box).addEventListener('input', () => {
    keepDraft();
    if (box !== BOXES.reply) return;
    // Emptied by the agent: the reply that was not sent is given up, and said no more; what they write next is a new
    // reply, not an edit of it.
    if ($(box).value.trim() === '' && !sending.has(boxesFor)) {
      unsent.delete(boxesFor);
      if (drafts && boxesFor !== undefined) drafts.put(boxesFor, { ...drafts.get(boxesFor), tried: undefined });
    }
    showUnsent();
  });
}

/**
 * Puts a reply that was not sent back in its box, before what the agent typed there while it was being sent (a slow
 * answer: the database out of reach), so that neither is lost.
 */
function keep(input, text) {
  input.value = input.value.trim() ? `${text}\n${input.value}` : text;
  replyFits();
}
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && state) scheduleRefresh(); });

refresh().catch((error) => { if (!(error instanceof SignedOut)) showSignIn((words) => words.unreachable); });
