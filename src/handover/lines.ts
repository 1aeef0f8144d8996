// What agents and admins read about their decisions (went online, closed #42, refused: someone else holds it), what
// the commands answer (/help, /list, a mistyped command) and what did not reach a customer, in each language the desk
// speaks. A decision answers with a `Line`, a key and what fills it, and whoever shows it
// words it in the reader's language: the agent console and the dashboard in the one their page is in, the messaging
// apps in the agent's `language:` from team.yaml (English without it). The channels word here too what they write
// themselves into a message (the line that stands in for a file they cannot send, a place or a contact card shown as
// text, a list's button), in the language of whoever reads it (`OutboundMessage.language`), customers included. One
// table per language, so each wording lives in one place.
import type { Attachment, AttachmentKind, FileRefusal } from '../store/types.ts';
import type { KnownFailure } from '../types.ts';
import { FAILURE_WORDS } from '../channels/webchat/failure-words.js';
import { describeAttachment } from '../shared/attachments.ts';
import { describeBytes } from '../store/media.ts';
import { describeDuration } from '../shared/duration.ts';
import { endsSentence, isolate, isolateRtl, shortQuote } from '../shared/text.ts';
import type { AgentState } from './agent-state.ts';
import type { AgentCommandName } from './commands.ts';

/** The languages agents and admins can read their answers in. */
export type DeskLanguage = 'en' | 'ar';

/** A file as a line names it: its kind, whether it is a voice message, its name. */
export type FileNamed = Pick<Attachment, 'kind' | 'voice' | 'name'>;

/** The commands a desk topic carries out for its conversation: closing it, a note on it, passing it on, handing it back. */
export type ThreadCommand = 'close' | 'note' | 'transfer' | 'handback';

/** Where a refused move leaves the conversation: with the agent who asked, or (an admin asking) where it was. */
export type Outcome = 'stays' | 'notMoved';

/** Where a refused hand back leaves it (`Outcome`), or `cannot`: said beside the dashboard's Hand back, before anyone presses it. */
export type HandBackOutcome = Outcome | 'cannot';

const HAND_BACK_OUTCOME_EN: Record<HandBackOutcome, string> = { stays: 'it stays with you', notMoved: 'it was not moved', cannot: 'it cannot be handed back' };
const HAND_BACK_OUTCOME_AR: Record<HandBackOutcome, string> = { stays: 'تبقى المحادثة معك', notMoved: 'لم تُنقل المحادثة', cannot: 'لا يمكن إعادتها إلى البوت' };

/**
 * Where a conversation is now that left the agent whose messages went to it: closed, closed because its customer left
 * the chat, with the bot, queued, with a colleague, or erased.
 */
export type LeftFor = 'closed' | 'customerLeft' | 'bot' | 'queued' | 'gone' | { holder: string };

const LEFT_FOR_EN = (now: LeftFor): string => (typeof now === 'object' ? `is with ${now.holder} now`
  : { closed: 'is closed now', customerLeft: 'is closed: the customer left the chat', bot: 'is back with the bot', queued: 'is waiting in its team\'s queue', gone: 'no longer exists' }[now]);

const LEFT_FOR_AR = (now: LeftFor): string => (typeof now === 'object' ? `أصبحت مع ${isolate(now.holder)}`
  : { closed: 'أُغلقت', customerLeft: 'أُغلقت: غادر العميل المحادثة', bot: 'عادت إلى البوت', queued: 'تنتظر في قائمة انتظار فريقها', gone: 'لم تعد موجودة' }[now]);

/** What a desk topic's command does to conversation #`other`, said where it is refused for naming another topic's. */
const THREAD_COMMAND_EN: Record<ThreadCommand, (other: number) => string> = {
  close: (other) => `close #${other}`,
  note: (other) => `add a note to #${other}`,
  transfer: (other) => `pass #${other} on`,
  handback: (other) => `hand #${other} back`,
};

/**
 * Who closed a conversation and when, as a refusal of a decision on it says it (`closingOf`): `how`, a person (`who`:
 * their name), the agent told themselves (`you`), inactivity, the bot, or the customer leaving the chat; `at`, ISO;
 * `zone`, the time zone of the reader's screen (an admin's dashboard, as its Reports count days), UTC without one.
 */
export interface Closing { at: string; how: 'person' | 'you' | 'inactivity' | 'bot' | 'customerLeft'; who?: string; zone?: string }

/**
 * The day (`2026-12-07`) and clock (`05:41`) of an ISO time in `zone` (an IANA name, `Asia/Riyadh`), and the zone as
 * it is said after the clock (`UTC` without one).
 */
function wallClockOf(at: string, zone = 'UTC'): { day: string; clock: string; zone: string } {
  const part: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  for (const { type, value } of format.formatToParts(new Date(at))) part[type] = value;
  return { day: `${part.year}-${part.month}-${part.day}`, clock: `${part.hour}:${part.minute}`, zone };
}

/** `#1 was closed by Nadia on 2026-12-07 at 02:41 UTC`: the words of `closedAlready`, `repliedToClosed` and the other refusals on a closed one. */
const CLOSED_EN = (id: number, { at, how, who, zone: in_ }: Closing): string => {
  const { day, clock, zone } = wallClockOf(at, in_);
  return `#${id} was closed ${{ person: `by ${who} `, you: 'by you ', inactivity: 'automatically for inactivity ', bot: 'by the bot ', customerLeft: '' }[how]}on ${day} at ${clock} ${zone}${how === 'customerLeft' ? ', when the customer left the chat' : ''}`;
};

const CLOSED_AR = (id: number, { at, how, who, zone: in_ }: Closing): string => {
  const { day, clock, zone } = wallClockOf(at, in_);
  return `أُغلقت المحادثة #${id} ${{ person: `بواسطة ${isolate(who ?? '')} `, you: 'بواسطتك ', inactivity: 'تلقائيًا لعدم النشاط ', bot: 'بواسطة البوت ', customerLeft: '' }[how]}في ${isolate(day)} الساعة ${isolate(`${clock} ${zone}`)}${how === 'customerLeft' ? '، عندما غادر العميل الدردشة' : ''}`;
};

const en = {
  online: () => 'You are online: new conversations will come to you.',
  away: () => 'You are away: no new conversations until you are online again (/online).',
  noConversation: (id: number) => `There is no conversation #${id}.`,
  notInYourTeams: (id: number) => `There is no conversation #${id} in your teams.`,
  notOpen: (id: number) => `#${id} is not an open conversation.`,
  /** A decision (an admin's, an agent's) on a conversation closed since their screen or chat showed it: who closed it and when. */
  closedAlready: (id: number, closing: Closing) => `${CLOSED_EN(id, closing)}. Nothing was changed.`,
  notYours: (id: number, holder?: string) => `#${id} is not yours${holder ? ` (${holder} has it)` : ''}; nothing was changed.`,
  notYourTeam: (id: number, team?: string) => `#${id} belongs to ${team}, which is not one of your teams.`,
  alreadyYours: (id: number) => `#${id} is already yours.`,
  alreadyWith: (id: number, holder?: string) => `#${id} is already with ${holder ?? 'another agent'}.`,
  alreadyWithBot: (id: number) => `#${id} is already with the bot.`,
  claimed: (id: number) => `#${id} is yours.`,
  noteAdded: (id: number) => `Note added to #${id} (only agents see it).`,
  closed: (id: number, note?: string) => closedLine(`Closed #${id}`, note),
  unseen: (id: number, customer: string | undefined, text: string | undefined, more: number) =>
    `${isolateRtl(customer ?? 'customer')} wrote in #${id} since your screen last showed it: ${shortQuote(text) ?? 'a file'}${more > 0 ? ` (and ${more} more)` : ''}. Nothing was closed: read it, then close again.`,
  /** An agent's /close from their messaging app, in their chat with the bot or in a team desk's topic. */
  unseenInApp: (id: number, customer: string | undefined, text: string | undefined, more: number, where: 'chat' | 'topic') =>
    `${isolateRtl(customer ?? 'customer')} wrote in #${id} what ${where === 'topic' ? 'this topic' : 'your chat'} had not shown you when you sent /close: ${shortQuote(text) ?? 'a file'}${more > 0 ? ` (and ${more} more)` : ''}. Nothing was closed: read it, then close again.`,
  handedBack: (id: number) => `#${id} is back with the bot.`,
  /** An admin's transfer, give or hand back, asked of a conversation whose agent (`now`: none) is not the one their screen showed. */
  holderChanged: (id: number, now?: string) =>
    `#${id} ${now !== undefined ? `is with ${now} now` : 'is with no agent now'}, not as your screen showed it. Nothing was changed: look again, then decide.`,
  /** A hand back of a conversation whose flow (`flow`) ends at the step that handed it over: it would close at once. */
  flowEndsAtHandover: (id: number, flow: string, outcome: HandBackOutcome) =>
    `The flow that handed #${id} over (${flow}) ends there: the bot has nothing more to say in it; ${HAND_BACK_OUTCOME_EN[outcome]}. Close it, or transfer it.`,
  noFlowToHandBackTo: (id: number, outcome: HandBackOutcome) =>
    `The bot has no flow to go on with in #${id} (no flow starts on conversation.opened); ${HAND_BACK_OUTCOME_EN[outcome]}.`,
  noTeamOrAgent: (to: string, teams: string[]) => `There is no team or agent named "${to}". Teams: ${teams.join(', ') || 'none'}.`,
  noTeam: (team: string, teams: string[]) => `There is no team named "${team}". Teams: ${teams.join(', ') || 'none'}.`,
  noAgent: (agentId: string) => `There is no agent "${agentId}" in team.yaml.`,
  teamHasNoAgents: (team: string, id: number, outcome: Outcome) => `${team} has no agents in team.yaml; #${id} ${outcome === 'stays' ? 'stays with you' : 'was not moved'}.`,
  agentNotOnline: (agent: string, id: number, outcome: Outcome) => `${agent} is not online; #${id} ${outcome === 'stays' ? 'stays with you' : 'was not moved'}.`,
  /** A transfer by name to a colleague who holds their `max_open` already; `team`: the queue to pass it to instead. */
  colleagueFull: (agent: string, held: number, max: number, id: number, team?: string) =>
    `${agent} is full: they hold ${held} conversation${held === 1 ? '' : 's'} and take ${max} at most (max_open); #${id} stays with you.${team !== undefined ? ` /transfer ${id} ${team} puts it in the team's queue for the first agent free.` : ''}`,
  nowWith: (id: number, agent: string) => `#${id} is now with ${agent}.`,
  transferred: (id: number, team: string, taker?: string) => `#${id} is transferred to ${team}${taker ? ` (${taker} has it)` : ' (waiting in its queue)'}.`,
  noTemplates: () => 'No message templates are configured (WHATSAPP_TEMPLATES).',
  noTemplate: (name: string, templates: string[]) => `There is no template "${name}". Templates: ${templates.join(', ')}.`,
  templateSent: (name: string, id: number) => `Template ${name} sent to #${id}.`,
  holdNone: () => 'You hold no conversation right now. /list shows the queue and /claim N takes one.',
  // The bot's messages to the agent were refused everywhere (they blocked it…), so they were set offline: said as they write again.
  reachableAgain: (failure: KnownFailure, passedOn: number[]) =>
    `The bot's messages to you were refused (${AGENT_REFUSED_EN[failure] ?? failure}), so you were set offline${passedOn.length > 0 ? ` and ${passedOn.map((id) => `#${id}`).join(', ')} went to a colleague or back to the queue` : ''}. /online to take conversations again.`,
  // One app of the agent's refused the bot's messages for good (they blocked it…): said once, at an address that works.
  unreachableThere: (channel: string, failure: KnownFailure) =>
    `The bot's messages to you on ${CHANNELS_EN[channel] ?? channel} were refused (${AGENT_REFUSED_EN[failure] ?? failure}): nothing more is sent there, and what is for you comes here. Write to the bot on ${CHANNELS_EN[channel] ?? channel} again to be reached there.`,
  // team.yaml gave the agent another address (the one their messages went to is not theirs any more): said there.
  addressMoved: (id: number, customer: string | undefined) =>
    `#${id} (${isolateRtl(customer ?? 'the customer')}) is still yours: team.yaml reaches you here now, so ${isolateRtl(customer ?? 'the customer')}'s messages come here. Reply to one of them to answer.`,
  holdSeveral: (ids: number[]) => `You hold ${ids.map((id) => `#${id}`).join(', ')}: reply to one of their messages, or pick one with /use N.`,
  // A Reply on a relay about a customer erased since (data-protection).
  repliedToErased: () => 'That reached no one: the message you replied to was about a customer whose data has been erased since.',
  // A Reply on a relay of a conversation closed since (or a console reply, a message numbered for it): who closed it and
  // when (`closing`, unknown for a close recorded without its time); `now`: the customer's open conversation, when the
  // agent holds it.
  repliedToClosed: (id: number, closing?: Closing, now?: number) =>
    `${closing ? CLOSED_EN(id, closing) : `#${id} is closed`}: that did not reach the customer.${now !== undefined ? ` They write in #${now} now: reply to one of its messages.` : ''}`,
  // A plain message (or a command without a number) after a conversation the agent held was erased, before they chose
  // whom they write to again: it might have been meant for the erased customer.
  wroteAfterErase: (id: number) =>
    `That reached no one: #${id} was erased since you last chose whom you write to. Reply to one of a customer's messages, or pick a conversation with /use N (/list shows yours).`,
  // A plain message (or a command without a number) after the conversation the agent's messages went to (their /use
  // pick, or the one they last wrote to) left them by someone else's doing (an admin, inactivity): it may have been
  // meant for that customer, not for `next`, the one conversation they hold now, where it would have gone (none: they
  // hold no other, and are told so rather than only that they hold none).
  wroteAfterLeft: (id: number, customer: string | undefined, now: LeftFor, next?: { id: number; customer: string }) =>
    `Nothing was sent or done: #${id}${customer !== undefined ? ` (${customer})` : ''}, where your messages went, ${LEFT_FOR_EN(now)}. ${next
      ? `They go to #${next.id} (${next.customer}) from now on: send it again if it is meant for them.`
      : 'You hold no other conversation: /list shows the queue and /claim N takes one.'}`,
  // A message numbered for one conversation (`#1 …`) that replies to a message of another: which one was meant is not
  // known, so it went to neither.
  numberNotQuoted: (numbered: { id: number; customer: string }, quoted: { id: number; customer: string }) =>
    `Nothing was sent: your message starts with #${numbered.id} (${numbered.customer}) but replies to a message of #${quoted.id} (${quoted.customer}). Send it again replying to one of ${numbered.customer}'s messages, or to ${quoted.customer} without the number.`,
  replySent: (id: number) => `Sent to #${id}.`,
  // A console reply sent again, edited, after its answer was lost: the first version had reached the customer.
  replyCorrected: (id: number) => `#${id}: your first version had reached the customer, so they got this one as a correction of it.`,
  // What the agent who held a conversation is told when an admin (`by`) or inactivity took it from them.
  closedBy: (id: number, by: string, note?: string) => closedLine(`#${id} was closed by ${by}`, note),
  handedBackBy: (id: number, by: string) => `#${id} was handed back to the bot by ${by}.`,
  movedBy: (id: number, team: string, by: string) => `#${id} was moved to ${team} by ${by}.`,
  givenBy: (id: number, agent: string, by: string) => `#${id} was given to ${agent} by ${by}.`,
  // `idleForMs`: how long nobody wrote (AUTO_CLOSE_AFTER); without it, "a while".
  // The customer left the chat (the web chat's New visitor) while the agent held their conversation.
  customerLeft: (id: number, customer: string | undefined) =>
    `#${id} is closed: ${isolateRtl(customer ?? 'the customer')} left the chat (they started over as a new visitor). Nothing more you write reaches them.`,
  // The customer changed number, and the new number had opened conversation #`closed` before the channel said it was
  // theirs: it is closed, part of #`id` now, and what they wrote there (`said`, the last of it) is told here.
  numberMerged: (id: number, customer: string | undefined, closed: number, said: string | undefined) =>
    `#${id}: ${isolateRtl(customer ?? 'the customer')} changed their number; what they wrote from the new one in #${closed} is part of #${id} now${said !== undefined ? `: ${shortQuote(said)}` : ''}. Your replies go to the new number.`,
  // The agent holds #`id`, the new number's conversation, which stays: the customer's conversation from before, #`closed`, closed into it.
  numberMergedHere: (id: number, customer: string | undefined, closed: number) =>
    `#${id}: ${isolateRtl(customer ?? 'the customer')} changed their number, and this is the new number's conversation; their conversation from before, #${closed}, is closed and part of #${id} now, with what they told it.`,
  // The agent held #`closed`, the new number's conversation: it is closed as part of #`into`, the customer's.
  numberMergedAway: (closed: number, customer: string | undefined, into: number) =>
    `#${closed} is closed: ${isolateRtl(customer ?? 'the customer')} changed their number, and this was the new number's conversation; they go on in #${into}, their conversation from before.`,
  // The customer blocked the bot (or deleted the chat with it) while the conversation was with the agent or its desk thread.
  customerBlocked: (id: number, customer: string | undefined) =>
    `#${id}: ${isolateRtl(customer ?? 'the customer')} blocked the bot: your replies cannot reach them now. If they unblock it and write again, their message comes to you here. /close ${id} if there is nothing more to do.`,
  // The customer removed the bot's app from their Teams (not a block) while the conversation was with the agent or its desk thread.
  customerRemovedApp: (id: number, customer: string | undefined) =>
    `#${id}: ${isolateRtl(customer ?? 'the customer')} removed the bot's app from their Teams: your replies cannot reach them now. If they add the app again and write, their message comes to you here. /close ${id} if there is nothing more to do.`,
  // The bot was removed from the desk group of the agent's team `team` (or banned from it): said once per loss.
  deskLost: (team: string) =>
    `The bot was removed from ${team}'s desk group on Telegram: ${team}'s new conversations get no topic there and wait in the queue (/claim takes them), and nothing written in its topics reaches anyone. Ask an admin to add the bot back to the group as an admin that can manage topics; the missing topics open then.`,
  // A conversation the agent held in that desk group's thread, come to their own chat (after its card).
  deskHeldHere: (id: number, customer: string | undefined, team: string) =>
    `#${id} with ${isolateRtl(customer ?? 'the customer')} comes to this chat now: you held it in ${team}'s desk group, which the bot was removed from. Answer them here; it stays here with you when the bot is back.`,
  autoClosed: (id: number, idleForMs?: number) => `#${id} was closed after ${idleForMs !== undefined ? describeDuration(idleForMs) : 'a while'} without activity.`,
  // What an away agent is told of a conversation of theirs passed on because its customer waited `waitedMs` for an
  // answer (AWAY_REQUEUE_AFTER): now with the colleague `taker`, or in `team`'s queue.
  passedOnWhileAway: (id: number, customer: string | undefined, waitedMs: number, team: string, taker?: string) =>
    `#${id} was passed ${taker ? `to ${taker}` : `back to ${team}'s queue`} while you were away: ${isolateRtl(customer ?? 'the customer')} had waited ${describeDuration(waitedMs)} for an answer.`,
  // What an agent is reminded of a conversation of theirs whose customer has waited `waitedMs` for their answer
  // (UNANSWERED_REMIND_AFTER).
  awaitsAnswer: (id: number, customer: string | undefined, waitedMs: number) =>
    `#${id}: ${isolateRtl(customer ?? 'the customer')} has waited ${describeDuration(waitedMs)} for your answer.`,
  // What an online agent is told of a conversation of theirs given to the colleague `taker` because its customer waited
  // `waitedMs` for their answer (UNANSWERED_PASS_ON_AFTER).
  passedOnUnanswered: (id: number, customer: string | undefined, waitedMs: number, taker: string) =>
    `#${id} was passed to ${taker}: ${isolateRtl(customer ?? 'the customer')} had waited ${describeDuration(waitedMs)} for your answer.`,
  // What an agent removed from team.yaml is told of a conversation they held: it went to `taker`, or back to `team`'s queue.
  passedOnRemoved: (id: number, customer: string | undefined, team: string, taker?: string) =>
    `#${id} was passed ${taker ? `to ${taker}` : `back to ${team}'s queue`}: you are no longer an agent in team.yaml, and nothing more you write reaches ${isolateRtl(customer ?? 'the customer')}.`,
  // What someone removed from team.yaml reads of a command or a "#3 …" they write to the bot as they used to.
  noLongerAgent: () =>
    'You are no longer an agent here (team.yaml does not list you): this reached no customer and no command was carried out. What you write here without a command or a #number reaches us as a customer\'s message.',
  erasedBy: (id: number, by: string) =>
    `#${id} was erased by ${by} (data protection): the conversation and the customer's data are gone, and nothing more you write reaches them.`,
  // What the bot says in a team desk's thread (a Telegram forum topic), in the team's language.
  threadHeldBy: (agent: string) => `${agent} has it.`,
  threadOpenToAll: () => 'Whoever writes here first takes it.',
  threadTaken: (id: number, agent: string) => `${agent} took #${id}.`,
  // A conversation handed back to the bot whose customer left the bot's question unanswered for `idleForMs` (BOT_IDLE_CLOSE_AFTER).
  threadLeftWithBot: (id: number, customer: string | undefined, idleForMs: number) =>
    `#${id} is closed: it was back with the bot, and ${isolateRtl(customer ?? 'the customer')} left its question unanswered for ${describeDuration(idleForMs)}. When they write again, they start a new conversation.`,
  // A conversation with the bot whose flow closed it (a `close` step, with its note, or a flow out of steps).
  threadClosedByFlow: (id: number, customer: string | undefined, note?: string) =>
    `#${id} is closed: it was with the bot, and its flow ended the conversation${note ? ` (${isolateRtl(note)})` : ''}. When ${isolateRtl(customer ?? 'the customer')} writes again, they start a new conversation.`,
  // An agent writing in the topic of a closed conversation.
  threadClosed: (id: number, agent: string, customer: string | undefined, closing?: Closing) =>
    `${agent}, that was not sent to ${isolateRtl(customer ?? 'the customer')}: ${closing ? CLOSED_EN(id, closing) : `#${id} is closed`}. When they write again, their new conversation gets a topic of its own.`,
  notInThreadTeam: (agent: string, team?: string) => `${agent} is not in ${team}: nothing was sent.`,
  // A colleague writing in the topic of a conversation another agent holds: the customer hears one agent at a time.
  threadNotYours: (id: number, agent: string, holder: string, customer: string | undefined) =>
    `${agent}, that was not sent to ${isolateRtl(customer ?? 'the customer')}: #${id} is with ${holder}. Ask ${holder} to pass it to you (/transfer ${id} ${agent}, here or in their chat with the bot).`,
  closeInOwnThread: (id: number, other: number, command: ThreadCommand = 'close') => `This topic is #${id}; ${THREAD_COMMAND_EN[command](other)} in its own topic.`,
  // A command that works only in the agent's chat with the bot (/list, /online…), typed in a desk topic; `holder`: the
  // colleague who holds the topic's conversation, when it is not the agent who typed it.
  onlyCloseInThread: (id: number, command: AgentCommandName, agent?: string, holder?: string) => holder !== undefined
    ? `${agent}, /${command} works in your private chat with the bot, not in a desk topic. Here #${id} is with ${holder}: you can leave the team a note (/note ${id} your note).`
    : `/${command} works in your private chat with the bot, not in a desk topic. Here, write to the customer, or send /close [note], /transfer team|agent, /handback or /note ${id} your note.`,
  // The same (/list, /online…), typed in the topic of a closed conversation, where a note is all there is to leave.
  onlyInChatClosed: (id: number, command: AgentCommandName, closing?: Closing) =>
    `/${command} works in your private chat with the bot, not in a desk topic. ${closing ? CLOSED_EN(id, closing) : `#${id} is closed`}; you can still leave the team a note on it here (/note ${id} your note).`,
  // A colleague's command about the conversation (/close, /transfer…) in the topic of one another agent holds.
  threadCommandNotYours: (id: number, command: AgentCommandName, agent: string, holder: string) =>
    `${agent}, /${command} did nothing: #${id} is with ${holder}, and only ${holder} can close it or pass it on. Ask ${holder}, or leave the team a note here: /note ${id} your note.`,
  // An agent writing in the topic of a conversation passed since to another team or agent (`now`: who has it).
  threadMoved: (id: number, agent: string, customer: string | undefined, now: string | undefined) =>
    `${agent}, that was not sent to ${isolateRtl(customer ?? 'the customer')}: #${id} was passed to ${now ?? 'another team'}, and this topic is no longer its own.`,
  // An agent writing in a place of a desk's group that is no conversation's (its General topic, a topic opened by hand).
  notAConversationTopic: (agent: string) =>
    `${agent}, that reached no customer: this topic is not a conversation's. Write in the conversation's own topic (it opens with its card); /list in your chat with the bot shows yours.`,
  // What the console's and the dashboard's API refuse before any decision.
  notAmongYours: (id: string) => `no conversation #${id} among yours or your teams' queues`,
  noSuchConversation: (id: number) => `there is no conversation #${id}`,
  notAnId: () => 'a conversation id is a whole number, like 42',
  claimFirst: (id: number) => `#${id} is waiting in the queue: claim it first`,
  // The console's and the dashboard's Send again, on a reply of an agent's that did not reach the customer.
  sentAgain: (id: number) => `#${id}: sent again.`,
  alreadySentAgain: (id: number) => `#${id}: this reply was sent again already; its copy is below it.`,
  sendAgainNotFailed: (id: number) => `#${id}: only a reply of an agent's that did not reach the customer can be sent again, and only text.`,
  // The dashboard's Send again: the reply goes as its writer's, so only while they hold the conversation, through their web chat session.
  sendAgainNotHeld: (id: number, writer: string) => `#${id}: not sent again: ${writer}, who wrote it, no longer holds the conversation. Whoever holds it now can write to the customer.`,
  sendAgainNoSession: (id: number, writer: string) => `#${id}: not sent again: ${writer}, who wrote it, has no web chat session in team.yaml (webchat:), through which it would go.`,
  sendAgainUnreachable: (id: number, known: KnownFailure) => `#${id}: not sent again: ${NOT_DELIVERED_EN[known]}. It would not reach them either; if they write again, send it then.`,
  // Beside a failed reply (why it failed said just above it), instead of a Send again that would be refused for that.
  sendAgainWithheld: () => 'Send again is not offered: a copy would not reach them either. Once they write again, it can be sent.',
  sendAgainWithheldNotHeld: (writer: string) => `Send again is not offered: ${writer}, who wrote it, no longer holds the conversation. Whoever holds it now can write to the customer.`,
  replyLooksLikeCommand: () => 'a reply starting with "/" would be read as a command: use the buttons for commands',
  replyToDeleted: (id: number) => `The customer deleted the message you were replying to in #${id}. Your reply was not sent: it is still in the box, to send as a plain reply.`,
  noWebchatSession: () => 'you have no web chat session in team.yaml (webchat:), so the console cannot write for you',
  replyEmpty: () => 'text is empty',
  tooLong: (max: number) => `text is longer than ${max} characters`,
  pickTransferTarget: () => 'choose a team or a colleague to transfer to',
  noteEmpty: () => 'the note is empty',
  badRequest: (detail: string) => detail,
  // What the dashboard's API answers about a flow or a contact that is not there (any more).
  noSuchFlow: (name: string) => `there is no flow "${name}"`,
  flowGone: (name: string) => `there is no flow "${name}" any more`,
  noSuchVersion: (name: string, version: string) => `flow "${name}" has no version "${version}"`,
  noSuchContact: () => 'there is no such contact',
  // A contact field given a value under a name every JavaScript object answers to (`__proto__`, `constructor`).
  reservedFieldName: (path: string, field: string) => `${path}: "${field}" is a name JavaScript keeps for itself: flows cannot read it (rename the field, or remove it with null)`,
  // A contact field typed under the name a flow saves, in other capitals (`Email` for `contact.email`): flows read names as written.
  fieldNameCase: (path: string, field: string) => `${path}: flows save this field as contact.${field} and read it by that name only, so a question about it would be asked again: name it ${field}`,
  // An admin's edit of a contact's name that holds only spaces or invisible characters (direction marks, zero-width spaces).
  blankContactName: () => 'name: it shows nothing (only spaces or invisible characters); type the name agents should read. Nothing was changed',
  // Two admins (or an admin and the bot) changing the same field of a contact: the later edit names what changed since it was read.
  contactChangedSince: (changed: string) => `someone changed ${changed} of this contact since you opened it; nothing was saved: look at the new value, then save yours again`,
  eraseNotDone: () => 'the erase did not happen (the store failed); the contact is still there with their conversations, messages and files: erase them again',
  rollbackStale: (version: string) => `someone published this flow since you looked at its versions (it is at version ${version} now); look at what changed before rolling back`,
  // A file that was not kept (too large, gone from the platform): relayed to the agent or thread in the customer's
  // message; one of the agent's own is not sent to the customer, and they are told. `reason` is the channel's (in
  // English), `refusal` what it means when known, which other languages word.
  // `voice`: a voice message rather than an audio file.
  fileNotReceived: (name: string | undefined, kind: AttachmentKind, reason: string, refusal?: FileRefusal, voice?: boolean) => notReceivedEn(name, kind, reason, voice),
  fileNotSent: (id: number, name: string | undefined, kind: AttachmentKind, reason: string, refusal?: FileRefusal, voice?: boolean) =>
    `#${id}: not sent to the customer. ${notReceivedEn(name, kind, reason, voice)}`,
  // An agent's file that the customer's app would not show as what it is (Telegram's animated or video sticker on
  // another app): not sent.
  fileNotShown: (id: number, kind: AttachmentKind) => (kind === 'sticker'
    ? `#${id}: your animated sticker was not sent to the customer: their app shows only still stickers. Send a picture, or write it to them instead.`
    : `#${id}: not sent to the customer: their app cannot show ${describeAttachment({ kind })}. Write it to them instead.`),
  // An agent's message of a kind nothing here sends on (a poll, a dice), as their channel names it.
  kindNotSent: (id: number, kind: string) => `#${id}: your ${yourKinds(kind)} was not sent to the customer: only words, files, places and contact cards reach them. Write it to them instead.`,
  // An agent's live location: the customer got the point it started at, which does not move for them.
  // An agent's message longer than their channel passes on (`written`: its characters): the customer got it up to `end`.
  textCut: (id: number, written: number, end: string) => `#${id}: your message was cut: it has ${written} characters, more than your app's messages bring here, and the customer got it only up to "${isolateRtl(end)}". Send them the rest in another message.`,
  liveLocationOnce: (id: number) => `#${id}: the customer got your location as it is now, once: it does not move for them as you move. Send it again later if they need to know where you are.`,
  // An agent's message with a spoiler (hidden text) for a customer whose app cannot hide it (`correction`: an edit, which
  // goes plain to every app): not sent, since it would show them what the agent hid.
  spoilerNotSent: (id: number, correction: boolean) => `#${id}: your ${correction ? 'correction' : 'message'} was not sent: it has hidden text (a spoiler), and ${correction ? 'a correction reaches the customer' : "the customer's app shows it"} plainly. Send it without the spoiler, or leave out what should stay hidden.`,
  // A customer's message of a kind nothing here can show (a poll, a story, a shared reel), as the channel names it.
  // An Instagram customer's reply to one of the account's stories, or a mention of it in theirs, as the transcript
  // keeps it before their words: the story by its link (Meta's, which stops working when the story expires), if any.
  storyReplied: (url?: string) => `[replied to your story${url !== undefined ? `: ${url} (the link works until the story expires, within 24 hours of posting)` : ''}]`,
  storyMentioned: (url: string) => `[mentioned you in their story: ${url} (the link works until the story expires, within 24 hours of posting)]`,
  kindNotShown: (kind: string) => `[a message that cannot be shown here (${kind}): ask the customer to write it]`,
  // The same kind sent by a person at the business from the business's own app (WhatsApp Business): nobody to ask.
  kindNotShownInApp: (kind: string) => `[a message that cannot be shown here (${kind}), sent from the business app]`,
  // A customer's message longer than their channel keeps (`written`: its characters): the agent read only its start.
  customerTextCut: (written: number) => `[the customer's message was cut: it has ${written} characters, more than their channel keeps, and you read only its start. Ask them for the rest if it matters]`,
  // A customer's live location: the agent's app shows the one point it started at, as still as any pin.
  liveLocationShared: () => '[a live location: where the customer was when they shared it; its moves do not reach you here. Ask them where they are now if it matters]',
  // What the transcript shows of a reaction (`quoted`: the message it answers, when the transcript has it), of a
  // customer's edit (`was`: what the message said before, blank when nothing to quote; `now`: what it says now) and of
  // a message they deleted (`was`: what it said), in the reader's language.
  reactedWith: (emoji: string, quoted: string | undefined) => `[reacted ${emoji}${quoted !== undefined ? ` to ${shortQuote(quoted)}` : ''}]`,
  // An agent took their reaction off a customer's message (`quoted`: what it says), as the transcript shows it.
  reactionTakenBack: (quoted: string | undefined) => `[took back the reaction${quoted !== undefined ? ` to ${shortQuote(quoted)}` : ''}]`,
  editedMessage: (was: string, now: string) => `[edited ${was === '' ? 'a message' : `"${isolateRtl(was)}"`}] ${now}`,
  deletedMessage: (was: string) => `[deleted ${was === '' ? 'a message' : `"${isolateRtl(was)}"`}]`,
  // What a person at the business answered from the business's own app (WhatsApp Business), relayed to the agent
  // holding the conversation before it.
  answeredInApp: () => '(answered from the business app)',
  // A customer's correction of an answer the flow saved, written once the conversation was with people: changed.
  correctedAnswer: (who: string, field: string, was: string, now: string) => `${who} corrected ${field}: ${was} → ${now}`,
  // A customer's edit of an answer that gives no answer the question takes (`lacks`: what it gave none of): kept.
  // A customer's edit that took an answer out of the message altogether: kept, on the card.
  // `told`: the bot told the customer (the conversation waited in the queue), said on the card the agent gets.
  answerTakenOut: (who: string, field: string, kept: string, told = false) => `${who} took the answer out of the edited message: ${field} stays ${kept}. ${told ? `The bot told ${who} it is still kept.` : `The bot did not tell ${who}.`}`,
  editNotTaken: (who: string, field: string, kept: string, lacks: string, told = false) => `${who}'s edit gives no valid ${lacks}, so ${field} stays ${kept}. ${told ? `The bot told ${who}.` : `The bot did not tell ${who}.`}`,
  // What such a person did when they reacted there (`quoted`: the message they reacted to, as the agent's app shows it).
  reactedInApp: (emoji: string, quoted: string | undefined) => `reacted ${emoji} to ${shortQuote(quoted) ?? 'a message'}`,
  // A file without a caption that a customer's reply or reaction quotes, by its kind.
  quotedFile: (kind: AttachmentKind) => `[${kind}]`,
  // A message of files alone as a list of conversations previews it (`previewText`): what it is, a document by its name.
  filePreview: (file: FileNamed) => FILE_PREVIEW_EN[previewKind(file)] ?? `📎 ${file.name}`,
  // An agent's edit of a message of theirs that does not reach the customer.
  editNotRelayed: () => 'Your edit was not sent to anyone: the bot has no record of that message going to a customer.',
  editOnClosed: (id: number, closing?: Closing) => `${closing ? CLOSED_EN(id, closing) : `#${id} is closed`}: your edit did not reach the customer.`,
  editNotYours: (id: number, holder?: string) => `#${id} is not yours any more${holder ? ` (${holder} has it)` : ''}: your edit did not reach the customer.`,
  // An agent's reply (numbered for it, or on one of its messages) to a conversation of their team another agent holds
  // (`holder`: passed on a moment before, say) or nobody does (in the queue, with the bot).
  replyNotYours: (id: number, holder?: string) =>
    holder ? `#${id} is with ${holder}: that did not reach the customer.` : `#${id} is not yours: that did not reach the customer. /claim ${id} takes it.`,
  editTooFarBack: (id: number) => `#${id}: your edit did not reach the customer; the message it changes is too far back. Write the correction as a new message.`,
  // An edit that now starts with the number of another conversation (`numbered`) than the one its message went to.
  editNumberedOther: (numbered: { id: number; customer: string }, relayed: { id: number; customer: string }) =>
    `Your edit was not sent: it starts with #${numbered.id} (${numbered.customer}) but changes a message that went to #${relayed.id} (${relayed.customer}), who still has it as it was. Write to ${numbered.customer} in a new message, or edit it again without the number.`,
  editLeavesNothing: (id: number) => `#${id}: your edit leaves nothing to read, so nothing was sent; the customer still has your message as it was (a sent message cannot be taken back). Write a correction as a new message.`,
  // An agent's message the customer's channel did not deliver (`excerpt`: its start): why in the reader's words when
  // it is `known` (blocked, too large…), else in the channel's own (`reason`), quoted as what the channel said.
  // A customer the channel no longer lets anything reach (blocked, gone, not on the app, until they write again) is
  // said so, with what is left to the agent: waiting for their next message, or closing.
  notDelivered: (id: number, customer: string | undefined, excerpt: string, reason: string, known?: KnownFailure) =>
    `#${id}: your message to ${customer ?? 'the customer'} was not delivered ("${excerpt}"): ${known ? NOT_DELIVERED_EN[known] : `the channel said "${reason}"`}${known && UNREACHABLE.has(known) ? `. ${untilTheyWriteEn(id)}` : ''}`,
  // An agent's reaction the customer's channel did not deliver: said as a reaction, why as for a message.
  reactionNotDelivered: (id: number, customer: string | undefined, emoji: string, reason: string, known?: KnownFailure) =>
    `#${id}: your reaction ${emoji} did not reach ${customer ?? 'the customer'}: ${known ? NOT_DELIVERED_EN[known] : `the channel said "${reason}"`}${known && UNREACHABLE.has(known) ? `. ${untilTheyWriteEn(id)}` : ''}`,
  // The customer's channel delivers only approved templates now (WhatsApp's 24-hour window): those agents may send
  // (`templates`, WHATSAPP_TEMPLATES), or, with none, that only the customer's next message reopens it.
  notDeliveredWindowClosed: (id: number, customer: string | undefined, excerpt: string, templates: readonly string[] = []) =>
    `#${id}: your message to ${customer ?? 'the customer'} was not delivered ("${excerpt}"): ${WINDOW_CLOSED_EN} ${templates.length > 0
      ? `can reach them now: ${templates.map((name) => `/template ${name}`).join(' or ')}`
      : `can reach them now, and none is set up (WHATSAPP_TEMPLATES). ${untilTheyWriteEn(id)}`}`,
  // The same, with the re-engagement template (WHATSAPP_REENGAGE_TEMPLATE) sent in its place, carrying it.
  reengaged: (id: number, customer: string | undefined, excerpt: string, template: string) =>
    `#${id}: ${customer ?? 'the customer'} last wrote more than 24 hours ago, so your message could not go as written ("${excerpt}"); it went inside the approved template ${template}. Their answer to it reopens the window, and comes to you here.`,
  // Under a customer's message that reached the agent after messages of the agent's did not reach them (`count`).
  missedWhileUnreachable: (count: number) =>
    `(${count === 1 ? 'your message before this did' : `${count} of your messages before this did`} not reach them: send again what still matters)`,
  // An agent's message waiting long for the customer's channel (out of reach, rate-limited), sent again by itself;
  // then, when it went after all. A failure in the end is `notDelivered`.
  notDeliveredYet: (id: number, customer: string | undefined, excerpt: string, reason: string) =>
    `#${id}: your message to ${customer ?? 'the customer'} has not gone yet ("${excerpt}"): the channel said "${reason}". It is sent again by itself for up to 24 hours; you will be told whether it goes.`,
  // The same at once for an unexpected error the customer's app gives for minutes (Messenger's code 2), which can
  // also mean they blocked the business: tried again for those minutes only, then `notDelivered` says it.
  notDeliveredYetMayHaveBlocked: (id: number, customer: string | undefined, excerpt: string) =>
    `#${id}: your message to ${customer ?? 'the customer'} has not gone yet ("${excerpt}"): their app refuses it with an unexpected error. It is sent again by itself for a few minutes; if it keeps being refused, that can mean they blocked the business. You will be told whether it goes.`,
  deliveredAfterWait: (id: number, customer: string | undefined, excerpt: string) =>
    `#${id}: your message to ${customer ?? 'the customer'} went after all ("${excerpt}").`,
  // What the commands say: /help, /list, /use, and a command that cannot be read (`parseAgentCommand`).
  commandDescription: (name: AgentCommandName) => COMMAND_DESCRIPTIONS_EN[name],
  helpHead: () => 'Commands (N is a conversation number, like 42 or #42):',
  helpLine: (usage: string, name: AgentCommandName) => `${usage} — ${COMMAND_DESCRIPTIONS_EN[name]}`,
  helpTail: () => 'Anything else you write goes to the customer: of the message you reply to, else of the conversation whose number\nstarts it (#2 Your invoice is fixed), else of the only conversation you hold, else of the one picked with /use N.',
  unknownCommand: (typed: string, near: string | undefined) => `Unknown command /${typed}.${near ? ` Did you mean /${near}?` : ''} Send /help for the list.`,
  needsNumber: (name: AgentCommandName) => `/${name} needs a conversation number, like ${exampleEn(name)}.`,
  justNumber: (name: AgentCommandName) => `/${name} takes just a conversation number, like ${exampleEn(name)}.`,
  badNumber: (typed: string, name: AgentCommandName) => `"${typed}" is not a conversation number; write it like ${exampleEn(name)}.`,
  closeOneAtATime: (ids: number[]) => `/close closes one conversation at a time, and nothing was closed: send ${ids.map((id) => `/close ${id}`).join(', then ')}.`,
  needsTransfer: () => '/transfer needs a team or agent, like /transfer Billing (with a conversation number, /transfer 42 Billing, for one other than the one you are in).',
  needsNote: () => '/note needs a conversation number and a text, like /note 42 called the customer.',
  needsTemplate: () => '/template needs a template name, like /template order_update Layla | #4521.',
  notHeld: (id: number) => `You do not hold #${id}. /list shows yours.`,
  nowGoTo: (id: number, customer: string) => `Your messages now go to #${id} (${customer}).`,
  listStatus: (status: AgentState['status']) => `You are ${status}.`,
  listHoldsNone: () => 'You hold no conversation.',
  listYours: (count: number, max: number) => `Yours (${count}/${max}):`,
  listHeld: (id: number, customer: string, team: string | undefined, current: boolean) => `  #${id} ${customer} · ${team ?? 'no team'}${current ? ' · /use' : ''}`,
  listQueueEmpty: (team: string) => `${team} queue: empty.`,
  listQueueHead: (team: string, count: number) => `${team} queue (${count}):`,
  listWaiting: (id: number, customer: string, minutes: number) => `  #${id} ${customer} · waiting ${minutes} min`,
  listMore: (count: number) => `  … and ${count} more`,
  // What a channel writes in a message, in its reader's language (`OutboundMessage.language`), for a file it cannot
  // send: its bytes were not kept (`reason`, the channel's), are gone since, or the chat takes no such file.
  fileNotKept: (file: FileNamed, reason: string, refusal?: FileRefusal) => `[${describeAttachment(file)} that could not be kept: ${reason}]`,
  fileGone: (file: FileNamed) => `[${describeAttachment(file)} that is no longer in the media store]`,
  fileNotCarried: (file: FileNamed, platform: string) => `[${describeAttachment(file)} that ${platform} cannot carry]`,
  fileNotForTeams: (file: FileNamed) => `[${describeAttachment(file)}: not sent, Teams takes no files from the bot]`,
  fileTooLarge: (file: FileNamed, sizeBytes: number, limitBytes: number) => `[${describeAttachment(file)} of ${describeBytes(sizeBytes)}: not sent, the most this chat takes is ${describeBytes(limitBytes)}]`,
  // A location without coordinates, a contact card without a number (`name`: the card's), which no chat can show.
  placeNotSent: () => `[${describeAttachment({ kind: 'location' })} that could not be sent: it has no coordinates]`,
  // A customer's button press that could not be stored (the store down): the chat app's toast, the button kept.
  pressNotTaken: () => 'Sorry, please try again in a moment.',
  // Someone called the bot in a group chat, where no customer's conversation is held: said once in that chat.
  oneToOneOnly: () => 'I answer in one-to-one chats only: write to me directly and I will help you there.',
  contactCardNotSent: (name?: string) => `[${describeAttachment({ kind: 'contact' })}: ${name || 'no name'}, without a phone number]`,
  // A place or a contact card a chat shows as a line of its text, each channel in its own way (`named`: the place's
  // name and address, or ''): Bot Framework's bracketed lines, WhatsApp Web's card as text, Messenger's badge.
  placeAsLine: (latitude: number, longitude: number, named: string) => `[${describeAttachment({ kind: 'location' })}: ${latitude}, ${longitude}${named !== '' ? ` (${named})` : ''}]`,
  placeWithoutCoordinates: () => `[${describeAttachment({ kind: 'location' })} without coordinates]`,
  contactCardAsLine: (name?: string, phone?: string) => `[${describeAttachment({ kind: 'contact' })}: ${name || 'no name'}${phone ? `, ${phone}` : ''}]`,
  contactAsText: (name?: string, phone?: string) => `Contact: ${name || 'no name'}${phone ? `, ${phone}` : ''}`,
  contactAsBadge: (name?: string, phone?: string) => `👤 ${name || 'a contact'}${phone ? `: ${phone}` : ''}`,
  // The button that opens a list of choices (WhatsApp's, at most 20 characters).
  listButton: () => 'Choose',
  // The card that hands an agent a conversation (card.ts): its head, who and where, the customer's messages, how to answer.
  cardHead: (id: number, returning: boolean, team?: string) => `#${id} · ${returning ? 'returning' : 'new'} conversation${team ? ` for ${team}` : ''}`,
  cardWho: (name: string, channel: string, intent?: string) => `${isolateRtl(name)} on ${CHANNELS_EN[channel] ?? channel}${intent ? ` · about ${intent}` : ''}`,
  cardWrote: (name: string) => `${isolateRtl(name)} wrote:`,
  // The card of a conversation passed on (`by`: who passed it, `from`: their team), and its recent exchange line by line.
  cardHeadPassedOn: (id: number, by: string, from?: string, team?: string) => `#${id} · passed on by ${by}${from ? ` from ${from}` : ''}${team ? ` to ${team}` : ''}`,
  cardLately: () => 'Lately:',
  cardNoteBy: (agent: string) => `${agent} (note)`,
  cardAgent: () => 'Agent',
  cardAnswer: (name: string, id: number) => `Reply here to answer ${isolateRtl(name)}. /close ${id} when done.`,
  /** A customer without a name, as the card, the relays and /list name them (`tag`: the start of their contact id). */
  cardCustomer: (tag: string) => `Customer ${tag}`,
  /** An agent's message that reaches no customer: neither text nor a file. */
  onlyTextAndFiles: () => 'Only text and files reach the customer. Send /help for the commands.',
  // A command's word without its slash ("close"), which is no message for a customer.
  bareCommand: (command: string) => `Nothing was sent to the customer: did you mean ${command}? Commands start with "/".`,
  // A command written as a file's caption: carried out, the file would go nowhere without a word.
  commandWithFile: (command: string) => `Nothing was sent or done: a command does not go with a file. Send the file on its own for the customer, then ${command} again.`,
  // An agent's reaction in their chat with the bot that reached no customer (`to`: the conversation of the message they
  // reacted to, if any): on no relay of a customer's message (a card, a notice), in a conversation closed or passed
  // on, or one the customer's app cannot show (`someShown`: it shows others, as Telegram shows a fixed set from bots).
  reactionNotOnCustomers: (emoji: string, to?: { id: number; customer: string }) => (to
    ? `#${to.id}: your reaction ${emoji} did not reach ${to.customer}: only a reaction to one of their own messages does.`
    : `Your reaction ${emoji} reached no one: only a reaction to a customer's message reaches them.`),
  reactionOnClosed: (emoji: string, to: { id: number; customer: string }, closing?: Closing) =>
    `${closing ? CLOSED_EN(to.id, closing) : `#${to.id} is closed`}: your reaction ${emoji} did not reach ${to.customer}.`,
  reactionNotYours: (emoji: string, to: { id: number; customer: string }, holder?: string) =>
    `#${to.id} is not yours any more${holder ? ` (${holder} has it)` : ''}: your reaction ${emoji} did not reach ${to.customer}.`,
  reactionNotShown: (emoji: string, to: { id: number; customer: string }, someShown: boolean) => (someShown
    ? `#${to.id}: your reaction ${emoji} did not reach ${to.customer}: their app takes only some reactions from the business (👍 ❤ 🔥 🙏 👌 among them). React with one of those, or write it to them.`
    : `#${to.id}: your reaction ${emoji} did not reach ${to.customer}: reactions are not passed on to their chat. Write it to them instead.`),
  // An agent's deletion for everyone of a message of theirs (`text`) that was relayed to the customer of `to`.
  deletedStillThere: (to: { id: number; customer: string }, text: string) =>
    `#${to.id}: ${to.customer} still has the message you deleted (${shortQuote(text) ?? 'a file'}): a message that reached a customer cannot be taken back. If it was wrong, tell them so.`,
  editedCommand: () => 'An edited command is not carried out: send it again as a new message.',
};

type Wording = { readonly [K in keyof typeof en]: (...args: Parameters<(typeof en)[K]>) => string };

const THREAD_COMMAND_AR: Record<ThreadCommand, (other: number) => string> = {
  close: (other) => `أغلق المحادثة #${other}`,
  note: (other) => `أضف ملاحظتك إلى المحادثة #${other}`,
  transfer: (other) => `حوّل المحادثة #${other}`,
  handback: (other) => `أعد المحادثة #${other} إلى البوت`,
};

const ar: Wording = {
  online: () => 'أنت متصل الآن: ستصلك المحادثات الجديدة.',
  away: () => `أنت غير متاح الآن: لن تصلك محادثات جديدة حتى تتصل مجددًا (${isolate('/online')}).`,
  noConversation: (id) => `لا توجد محادثة #${id}.`,
  notInYourTeams: (id) => `لا توجد محادثة #${id} في فرقك.`,
  notOpen: (id) => `المحادثة #${id} ليست مفتوحة.`,
  closedAlready: (id, closing) => `${CLOSED_AR(id, closing)}. لم يتغير شيء.`,
  notYours: (id, holder) => `المحادثة #${id} ليست معك${holder ? ` (إنها مع ${isolate(holder)})` : ''}؛ لم يتغير شيء.`,
  notYourTeam: (id, team) => `المحادثة #${id} تابعة لفريق ${isolate(team ?? '')}، وهو ليس من فرقك.`,
  alreadyYours: (id) => `المحادثة #${id} معك بالفعل.`,
  alreadyWith: (id, holder) => `المحادثة #${id} مع ${holder ? isolate(holder) : 'موظف آخر'} بالفعل.`,
  alreadyWithBot: (id) => `المحادثة #${id} مع البوت بالفعل.`,
  claimed: (id) => `أصبحت المحادثة #${id} معك.`,
  noteAdded: (id) => `أُضيفت الملاحظة إلى المحادثة #${id} (لا يراها إلا الموظفون).`,
  closed: (id, note) => note ? `أُغلقت المحادثة #${id} (${isolate(note)})${endsSentence(note) ? '' : '.'}` : `أُغلقت المحادثة #${id}.`,
  unseen: (id, customer, text, more) =>
    `وصلت رسالة من ${isolate(customer ?? 'العميل')} في المحادثة #${id} منذ آخر تحديث لشاشتك: ${shortQuote(text, 'ar') ?? 'ملف'}${more > 0 ? ` (${andMore(more)})` : ''}. لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
  unseenInApp: (id, customer, text, more, where) =>
    `وصلت رسالة من ${isolate(customer ?? 'العميل')} في المحادثة #${id} لم تظهر في ${where === 'topic' ? 'هذا الموضوع' : 'دردشتك'} قبل أن ترسل ${isolate('/close')}: ${shortQuote(text, 'ar') ?? 'ملف'}${more > 0 ? ` (${andMore(more)})` : ''}. لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
  handedBack: (id) => `عادت المحادثة #${id} إلى البوت.`,
  holderChanged: (id, now) =>
    `المحادثة #${id} ${now !== undefined ? `مع ${isolate(now)} الآن` : 'ليست مع أي موظف الآن'}، لا كما أظهرتها شاشتك. لم يتغير شيء: انظر مجددًا ثم قرّر.`,
  flowEndsAtHandover: (id, flow, outcome) =>
    `المسار الذي سلّم المحادثة #${id} (${isolate(flow)}) ينتهي عند تلك الخطوة: ليس لدى البوت ما يقوله بعدها؛ ${HAND_BACK_OUTCOME_AR[outcome]}. أغلقها أو حوّلها.`,
  noFlowToHandBackTo: (id, outcome) =>
    `ليس لدى البوت مسار يتابع به المحادثة #${id} (لا يبدأ أي مسار عند ${isolate('conversation.opened')})؛ ${HAND_BACK_OUTCOME_AR[outcome]}.`,
  noTeamOrAgent: (to, teams) => `لا يوجد فريق ولا موظف باسم «${isolate(to)}». الفرق: ${list(teams)}.`,
  noTeam: (team, teams) => `لا يوجد فريق باسم «${isolate(team)}». الفرق: ${list(teams)}.`,
  noAgent: (agentId) => `لا يوجد موظف «${isolate(agentId)}» في ${isolate('team.yaml')}.`,
  teamHasNoAgents: (team, id, outcome) => `لا يضم فريق ${isolate(team)} أي موظف في ${isolate('team.yaml')}؛ ${outcome === 'stays' ? `تبقى المحادثة #${id} معك` : `لم تُنقل المحادثة #${id}`}.`,
  agentNotOnline: (agent, id, outcome) => `${isolate(agent)} غير متصل الآن؛ ${outcome === 'stays' ? `تبقى المحادثة #${id} معك` : `لم تُنقل المحادثة #${id}`}.`,
  colleagueFull: (agent, held, max, id, team) =>
    `لا يتسع ${isolate(agent)} لمحادثة أخرى: لديه ${held} من المحادثات المفتوحة وأقصى ما يُعطى ${max} (${isolate('max_open')})؛ تبقى المحادثة #${id} معك.${team !== undefined ? ` ${isolate(`/transfer ${id} ${team}`)} تضعها في قائمة انتظار الفريق لأول موظف يتفرغ.` : ''}`,
  nowWith: (id, agent) => `أصبحت المحادثة #${id} مع ${isolate(agent)}.`,
  transferred: (id, team, taker) => `حُوّلت المحادثة #${id} إلى فريق ${isolate(team)} (${taker ? `وهي الآن مع ${isolate(taker)}` : 'وتنتظر في قائمة انتظاره'}).`,
  noTemplates: () => `لا توجد قوالب رسائل مضبوطة (${isolate('WHATSAPP_TEMPLATES')}).`,
  noTemplate: (name, templates) => `لا يوجد قالب باسم «${isolate(name)}». القوالب: ${list(templates)}.`,
  templateSent: (name, id) => `أُرسل القالب ${isolate(name)} إلى المحادثة #${id}.`,
  addressMoved: (id, customer) =>
    `ما زالت المحادثة #${id} (${isolate(customer ?? 'العميل')}) معك: صار team.yaml يصلك هنا، فرسائل ${isolate(customer ?? 'العميل')} تصلك هنا من الآن. ردّ على إحداها لتجيب.`,
  unreachableThere: (channel, failure) =>
    `رُفضت رسائل البوت إليك على ${isolate(CHANNELS_AR[channel] ?? channel)} (${AGENT_REFUSED_AR[failure] ?? failure}): لن يُرسل إليك شيء هناك بعد الآن، وما يخصك يصلك هنا. اكتب إلى البوت على ${isolate(CHANNELS_AR[channel] ?? channel)} من جديد ليصلك هناك.`,
  reachableAgain: (failure, passedOn) =>
    `رُفضت رسائل البوت إليك (${AGENT_REFUSED_AR[failure] ?? failure})، فجُعلت «غير متصل»${passedOn.length > 0 ? ` ونُقلت ${passedOn.map((id) => `#${id}`).join('، ')} إلى زميل أو إلى قائمة الانتظار` : ''}. أرسل ${isolate('/online')} لتستلم المحادثات من جديد.`,
  holdNone: () => `ليست معك أي محادثة الآن. يعرض ${isolate('/list')} قائمة الانتظار، ويستلم ${isolate('/claim N')} محادثة منها.`,
  holdSeveral: (ids) => `معك المحادثات ${ids.map((id) => `#${id}`).join('، ')}: ردّ على إحدى رسائلها، أو اختر واحدة بالأمر ${isolate('/use N')}.`,
  repliedToErased: () => 'لم يصل ذلك إلى أحد: الرسالة التي رددت عليها تخص عميلًا حُذفت بياناته منذ ذلك الحين.',
  repliedToClosed: (id, closing, now) =>
    `${closing ? CLOSED_AR(id, closing) : `المحادثة #${id} مغلقة`}: لم يصل ذلك إلى العميل.${now !== undefined ? ` يكتب العميل الآن في المحادثة #${now}: ردّ على إحدى رسائلها.` : ''}`,
  wroteAfterErase: (id) =>
    `لم يصل ذلك إلى أحد: حُذفت المحادثة #${id} منذ آخر مرة اخترت فيها لمن تكتب. ردّ على إحدى رسائل العميل، أو اختر محادثة بالأمر ${isolate('/use N')} (يعرض ${isolate('/list')} محادثاتك).`,
  wroteAfterLeft: (id, customer, now, next) =>
    `لم يُرسَل شيء ولم يُنفَّذ شيء: المحادثة #${id}${customer !== undefined ? ` (${isolate(customer)})` : ''} التي كانت تصلها رسائلك ${LEFT_FOR_AR(now)}. ${next
      ? `تصل رسائلك من الآن إلى المحادثة #${next.id} (${isolate(next.customer)}): أعد إرسالها إن كانت لهذا العميل.`
      : `ليست معك محادثة أخرى: يعرض ${isolate('/list')} قائمة الانتظار، ويستلم ${isolate('/claim N')} محادثة منها.`}`,
  numberNotQuoted: (numbered, quoted) =>
    `لم يُرسَل شيء: تبدأ رسالتك بـ #${numbered.id} (${isolate(numbered.customer)}) لكنها ردّ على رسالة من المحادثة #${quoted.id} (${isolate(quoted.customer)}). أعد إرسالها ردًّا على إحدى رسائل ${isolate(numbered.customer)}، أو إلى ${isolate(quoted.customer)} دون الرقم.`,
  replySent: (id) => `أُرسل الرد إلى المحادثة #${id}.`,
  replyCorrected: (id) => `المحادثة #${id}: كانت نسختك الأولى قد وصلت إلى العميل، فوصله هذا الرد تصحيحًا لها.`,
  closedBy: (id, by, note) => `أُغلقت المحادثة #${id} بواسطة ${isolate(by)}${note ? ` (${isolate(note)})${endsSentence(note) ? '' : '.'}` : '.'}`,
  handedBackBy: (id, by) => `أُعيدت المحادثة #${id} إلى البوت بواسطة ${isolate(by)}.`,
  movedBy: (id, team, by) => `نُقلت المحادثة #${id} إلى فريق ${isolate(team)} بواسطة ${isolate(by)}.`,
  givenBy: (id, agent, by) => `أُسندت المحادثة #${id} إلى ${isolate(agent)} بواسطة ${isolate(by)}.`,
  customerLeft: (id, customer) =>
    `أُغلقت المحادثة #${id}: غادر ${isolate(customer ?? 'العميل')} المحادثة (بدأ من جديد كزائر جديد). لن يصل إليه شيء مما تكتبه بعد الآن.`,
  numberMerged: (id, customer, closed, said) =>
    `المحادثة #${id}: غيّر ${isolate(customer ?? 'العميل')} رقمه؛ ما كتبه من الرقم الجديد في المحادثة #${closed} صار جزءًا من المحادثة #${id}${said !== undefined ? `: ${shortQuote(said, 'ar')}` : ''}. ردودك تذهب إلى الرقم الجديد.`,
  numberMergedHere: (id, customer, closed) =>
    `المحادثة #${id}: غيّر ${isolate(customer ?? 'العميل')} رقمه، وهذه محادثة الرقم الجديد؛ أُغلقت محادثته السابقة #${closed} وصارت جزءًا من المحادثة #${id}، مع ما قاله فيها.`,
  numberMergedAway: (closed, customer, into) =>
    `أُغلقت المحادثة #${closed}: غيّر ${isolate(customer ?? 'العميل')} رقمه، وكانت هذه محادثة الرقم الجديد؛ يتابع في المحادثة #${into}، محادثته السابقة.`,
  customerBlocked: (id, customer) =>
    `#${id}: حظر ${isolate(customer ?? 'العميل')} البوت: لا يمكن أن تصله ردودك الآن. إن ألغى الحظر وكتب من جديد وصلتك رسالته هنا. أرسل ${isolate(`/close ${id}`)} إن لم يبق ما تفعله.`,
  customerRemovedApp: (id, customer) =>
    `#${id}: أزال ${isolate(customer ?? 'العميل')} تطبيق البوت من ${isolate('Teams')} لديه: لا يمكن أن تصله ردودك الآن. إن أضاف التطبيق من جديد وكتب وصلتك رسالته هنا. أرسل ${isolate(`/close ${id}`)} إن لم يبق ما تفعله.`,
  deskLost: (team) =>
    `أُزيل البوت من مجموعة مكتب فريق ${isolate(team)} على تيليجرام: لا تُفتح لمحادثات الفريق الجديدة مواضيع هناك وتنتظر في قائمة الانتظار (يستلمها ${isolate('/claim')})، ولا يصل إلى أحد شيء مما يُكتب في مواضيعها. اطلب من أحد المسؤولين إعادة البوت إلى المجموعة مشرفًا يمكنه إدارة المواضيع، فتُفتح المواضيع الناقصة حينها.`,
  deskHeldHere: (id, customer, team) =>
    `تصل المحادثة #${id} مع ${isolate(customer ?? 'العميل')} إلى هذه المحادثة الآن: كانت معك في مجموعة مكتب فريق ${isolate(team)}، وقد أُزيل البوت منها. ردّ عليه هنا، وتبقى معك هنا حين يعود البوت.`,
  autoClosed: (id, idleForMs) => `أُغلقت المحادثة #${id} تلقائيًا بعد ${idleForMs !== undefined ? durationAr(idleForMs) : 'فترة'} دون نشاط.`,
  passedOnWhileAway: (id, customer, waitedMs, team, taker) =>
    `${taker ? `أُسندت المحادثة #${id} إلى ${isolate(taker)}` : `أُعيدت المحادثة #${id} إلى قائمة انتظار فريق ${isolate(team)}`} أثناء غيابك: انتظر ${isolate(customer ?? 'العميل')} ردًا مدة ${durationAr(waitedMs)}.`,
  awaitsAnswer: (id, customer, waitedMs) => `#${id}: ينتظر ${isolate(customer ?? 'العميل')} ردك منذ ${durationAr(waitedMs)}.`,
  passedOnUnanswered: (id, customer, waitedMs, taker) => `أُسندت المحادثة #${id} إلى ${isolate(taker)}: انتظر ${isolate(customer ?? 'العميل')} ردك مدة ${durationAr(waitedMs)}.`,
  passedOnRemoved: (id, customer, team, taker) =>
    `${taker ? `أُسندت المحادثة #${id} إلى ${isolate(taker)}` : `أُعيدت المحادثة #${id} إلى قائمة انتظار فريق ${isolate(team)}`}: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى ${isolate(customer ?? 'العميل')}.`,
  noLongerAgent: () =>
    `لم تعد موظفًا هنا (لا يذكرك ${isolate('team.yaml')}): لم يصل هذا إلى أي عميل ولم يُنفَّذ أي أمر. ما تكتبه هنا دون أمر أو رقم محادثة يصلنا رسالةً من عميل.`,
  erasedBy: (id, by) => `حُذفت المحادثة #${id} بواسطة ${isolate(by)} (حماية البيانات): لم تعد المحادثة ولا بيانات العميل موجودة، ولن يصل شيء مما تكتبه إلى العميل بعد الآن.`,
  threadHeldBy: (agent) => `المحادثة مع ${isolate(agent)}.`,
  threadOpenToAll: () => 'من يكتب هنا أولًا يستلمها.',
  threadTaken: (id, agent) => `أصبحت المحادثة #${id} مع ${isolate(agent)}.`,
  threadLeftWithBot: (id, customer, idleForMs) =>
    `أُغلقت المحادثة #${id}: كانت قد عادت إلى البوت، ولم يُجب ${isolate(customer ?? 'العميل')} عن سؤاله طوال ${durationAr(idleForMs)}. حين يكتب مجددًا تبدأ محادثة جديدة.`,
  threadClosedByFlow: (id, customer, note) =>
    `أُغلقت المحادثة #${id}: كانت مع البوت، وأنهى مسارُ المحادثة الحديثَ${note ? ` (${isolate(note)})` : ''}. حين يكتب ${isolate(customer ?? 'العميل')} مجددًا تبدأ محادثة جديدة.`,
  threadClosed: (id, agent, customer, closing) =>
    `${isolate(agent)}، لم تُرسل هذه الرسالة إلى ${isolate(customer ?? 'العميل')}: ${closing ? CLOSED_AR(id, closing) : `المحادثة #${id} مغلقة`}. حين يكتب مجددًا يكون لمحادثته الجديدة موضوع خاص بها.`,
  notInThreadTeam: (agent, team) => `${isolate(agent)} ليس في فريق ${isolate(team ?? '')}: لم يُرسل شيء.`,
  threadNotYours: (id, agent, holder, customer) =>
    `${isolate(agent)}، لم تُرسل هذه الرسالة إلى ${isolate(customer ?? 'العميل')}: المحادثة #${id} مع ${isolate(holder)}. اطلب من ${isolate(holder)} أن يحوّلها إليك (${isolate(`/transfer ${id} ${agent}`)} هنا أو في دردشته مع البوت).`,
  closeInOwnThread: (id, other, command = 'close') => `هذا الموضوع للمحادثة #${id}؛ ${THREAD_COMMAND_AR[command](other)} في موضوعها.`,
  onlyCloseInThread: (id, command, agent, holder) => holder !== undefined
    ? `${isolate(agent ?? '')}، يعمل ${isolate(`/${command}`)} في دردشتك الخاصة مع البوت، لا في موضوع الفريق. المحادثة #${id} هنا مع ${isolate(holder)}: يمكنك أن تترك ملاحظة للفريق (${isolate(`/note ${id} ملاحظتك`)}).`
    : `يعمل ${isolate(`/${command}`)} في دردشتك الخاصة مع البوت، لا في موضوع الفريق. هنا اكتب إلى العميل، أو أرسل ${isolate('/close [ملاحظة]')} أو ${isolate('/transfer فريق|موظف')} أو ${isolate('/handback')} أو ${isolate(`/note ${id} ملاحظتك`)}.`,
  onlyInChatClosed: (id, command, closing) =>
    `يعمل ${isolate(`/${command}`)} في دردشتك الخاصة مع البوت، لا في موضوع الفريق. ${closing ? CLOSED_AR(id, closing) : `المحادثة #${id} مغلقة`}؛ ويمكنك أن تترك ملاحظة للفريق عليها هنا (${isolate(`/note ${id} ملاحظتك`)}).`,
  threadCommandNotYours: (id, command, agent, holder) =>
    `${isolate(agent)}، لم يُنفَّذ ${isolate(`/${command}`)}: المحادثة #${id} مع ${isolate(holder)}، ولا يغلقها أو يحوّلها غيره. اطلب ذلك من ${isolate(holder)}، أو اترك ملاحظة للفريق هنا: ${isolate(`/note ${id} ملاحظتك`)}.`,
  threadMoved: (id, agent, customer, now) =>
    `${isolate(agent)}، لم تُرسل هذه الرسالة إلى ${isolate(customer ?? 'العميل')}: حُوّلت المحادثة #${id} إلى ${now ? isolate(now) : 'فريق آخر'}، ولم يعد هذا الموضوع موضوعها.`,
  notAConversationTopic: (agent) =>
    `${isolate(agent)}، لم يصل هذا إلى أي عميل: هذا الموضوع ليس لمحادثة. اكتب في موضوع المحادثة نفسها (يبدأ ببطاقتها)؛ ويعرض ${isolate('/list')} في دردشتك مع البوت محادثاتك.`,
  notAmongYours: (id) => `لا توجد محادثة #${isolate(id)} بين محادثاتك أو في قوائم انتظار فرقك.`,
  noSuchConversation: (id) => `لا توجد محادثة #${id}.`,
  notAnId: () => 'رقم المحادثة عدد صحيح، مثل 42.',
  claimFirst: (id) => `المحادثة #${id} في قائمة الانتظار: استلمها أولًا.`,
  sentAgain: (id) => `المحادثة #${id}: أُعيد الإرسال.`,
  alreadySentAgain: (id) => `المحادثة #${id}: أُعيد إرسال هذا الرد من قبل؛ نسخته تحته.`,
  sendAgainNotFailed: (id) => `المحادثة #${id}: لا يُعاد إرسال إلا ردّ موظف لم يصل إلى العميل، ونصًّا فقط.`,
  sendAgainNotHeld: (id, writer) => `المحادثة #${id}: لم يُعَد الإرسال: لم تعد المحادثة مع ${isolate(writer)} الذي كتب الرد. يستطيع من تكون معه الآن أن يكتب إلى العميل.`,
  sendAgainNoSession: (id, writer) => `المحادثة #${id}: لم يُعَد الإرسال: ليست لـ${isolate(writer)}، كاتب الرد، جلسة دردشة ويب في ${isolate('team.yaml')} (${isolate('webchat:')}) يُرسَل منها.`,
  sendAgainUnreachable: (id, known) => `المحادثة #${id}: لم يُعَد الإرسال: ${NOT_DELIVERED_AR[known]}. لن يصل إليه هذا أيضًا؛ وإن كتب من جديد فأرسله حينها.`,
  sendAgainWithheld: () => 'لا تُتاح إعادة الإرسال: لن تصل إليه نسخة منه أيضًا. وحين يكتب من جديد يمكن إرساله.',
  sendAgainWithheldNotHeld: (writer) => `لا تُتاح إعادة الإرسال: لم تعد المحادثة مع ${isolate(writer)} الذي كتب الرد. يستطيع من تكون معه الآن أن يكتب إلى العميل.`,
  replyLooksLikeCommand: () => 'الرد الذي يبدأ بـ «/» يُقرأ أمرًا: استخدم الأزرار للأوامر.',
  replyToDeleted: (id) => `حذف العميل الرسالة التي كنت تردّ عليها في المحادثة #${id}. لم يُرسَل ردك: ما زال في المربع، لترسله ردًا عاديًا.`,
  noWebchatSession: () => `ليست لك جلسة دردشة ويب في ${isolate('team.yaml')} (${isolate('webchat:')})، فلا تستطيع اللوحة الكتابة باسمك.`,
  replyEmpty: () => 'الرد فارغ.',
  tooLong: (max) => `النص أطول من المسموح؛ الحد الأقصى لعدد الأحرف: ${max}.`,
  pickTransferTarget: () => 'اختر فريقًا أو زميلًا لتحويل المحادثة إليه.',
  noteEmpty: () => 'الملاحظة فارغة.',
  badRequest: (detail) => `الطلب غير صالح: ${isolate(detail)}`,
  noSuchFlow: (name) => `لا يوجد مسار باسم «${isolate(name)}»`,
  flowGone: (name) => `لم يعد المسار «${isolate(name)}» موجودًا`,
  noSuchVersion: (name, version) => `ليس للمسار «${isolate(name)}» إصدار «${isolate(version)}»`,
  noSuchContact: () => 'لا توجد جهة الاتصال هذه',
  reservedFieldName: (path, field) => `${isolate(path)}: الاسم «${isolate(field)}» تحجزه لغة JavaScript لنفسها، فلا تستطيع مسارات المحادثة قراءته (غيّر اسم الحقل، أو احذفه بإرسال ${isolate('null')})`,
  fieldNameCase: (path, field) => `${isolate(path)}: تحفظ مسارات المحادثة هذا الحقل باسم ${isolate(`contact.${field}`)} ولا تقرؤه إلا بهذا الاسم، فيُطرح السؤال عنه من جديد: سمِّه ${isolate(field)}`,
  blankContactName: () => 'الاسم: لا يظهر منه شيء (مسافات أو أحرف غير مرئية فقط)؛ اكتب الاسم الذي يقرؤه الموظفون. لم يتغيّر شيء',
  contactChangedSince: (changed) => `غيّر شخص آخر ${isolate(changed)} في جهة الاتصال هذه منذ فتحتها؛ لم يُحفظ شيء: اطّلع على القيمة الجديدة ثم احفظ قيمتك مرة أخرى`,
  eraseNotDone: () => 'لم يتم المحو (تعذّر الوصول إلى المخزن)؛ ما زالت جهة الاتصال موجودة بمحادثاتها ورسائلها وملفاتها: امحُها مرة أخرى',
  rollbackStale: (version) => `نشر شخص آخر هذا المسار منذ اطّلعت على إصداراته (هو الآن في الإصدار ${isolate(version)})؛ راجع ما تغيّر قبل الرجوع`,
  fileNotReceived: (name, kind, reason, refusal, voice) => `[تعذّر استلام ${name ? `الملف ${isolate(name)}` : kind === 'audio' && voice ? 'رسالة صوتية' : KINDS_AR[kind]}: ${refusalAr(reason, refusal)}]`,
  fileNotSent: (id, name, kind, reason, refusal, voice) => `المحادثة #${id}: لم يُرسل إلى العميل. ${ar.fileNotReceived(name, kind, reason, refusal, voice)}`,
  fileNotShown: (id, kind) => (kind === 'sticker'
    ? `المحادثة #${id}: لم يُرسل ملصقك المتحرك إلى العميل: لا يعرض تطبيقه إلا الملصقات الثابتة. أرسل صورة، أو اكتب له ما تريد بدلًا منه.`
    : `المحادثة #${id}: لم يُرسل إلى العميل: لا يستطيع تطبيقه عرض ${KINDS_AR[kind]}. اكتب له ما تريد بدلًا منه.`),
  kindNotSent: (id, kind) => `المحادثة #${id}: لم يُرسل ${kindsAr(kind)} إلى العميل: لا يصله إلا النص والملفات والمواقع وبطاقات جهات الاتصال. اكتب له ما تريد بدلًا منه.`,
  textCut: (id, written, end) => `المحادثة #${id}: قُطعت رسالتك: فيها ${written} حرفًا، وهذا أكثر مما تنقله رسائل تطبيقك إلى هنا، ولم يصل العميلَ منها إلا ما ينتهي بـ «${isolate(end)}». أرسل له الباقي في رسالة أخرى.`,
  liveLocationOnce: (id) => `المحادثة #${id}: وصل العميلَ موقعك الحالي مرة واحدة: لا يتحرك عنده حين تتحرك. أرسله مجددًا لاحقًا إن احتاج أن يعرف مكانك.`,
  spoilerNotSent: (id, correction) => `المحادثة #${id}: ${correction ? 'لم يُرسَل تصحيحك' : 'لم تُرسَل رسالتك'}: ${correction ? 'فيه' : 'فيها'} نص مخفي، ${correction ? 'والتصحيح يصل العميلَ' : 'وتطبيق العميل يعرضه'} ظاهرًا. أرسل ${correction ? 'التصحيح' : 'الرسالة'} دون إخفاء، أو احذف ما يجب أن يبقى مخفيًا.`,
  storyReplied: (url) => `[ردّ على قصتك${url !== undefined ? `: ${isolate(url)} (يعمل الرابط حتى تنتهي القصة، خلال 24 ساعة من نشرها)` : ''}]`,
  storyMentioned: (url) => `[أشار إليك في قصته: ${isolate(url)} (يعمل الرابط حتى تنتهي القصة، خلال 24 ساعة من نشرها)]`,
  kindNotShown: (kind) => `[رسالة لا يمكن عرضها هنا (${kindsAr(kind)}): اطلب من العميل كتابتها]`,
  kindNotShownInApp: (kind) => `[رسالة لا يمكن عرضها هنا (${kindsAr(kind)})، أُرسلت من تطبيق الأعمال]`,
  customerTextCut: (written) => `[قُطعت رسالة العميل: فيها ${written} حرفًا، وهذا أكثر مما تحفظه قناته، ولا تقرأ منها إلا بدايتها. اطلب منه الباقي إن كان مهمًا]`,
  liveLocationShared: () => '[موقع مباشر: حيث كان العميل حين شاركه؛ لا تصلك تحركاته هنا. اسأله أين هو الآن إن كان ذلك مهمًا]',
  reactedWith: (emoji, quoted) => `[تفاعل بـ ${emoji}${quoted !== undefined ? ` على ${shortQuote(quoted, 'ar')}` : ''}]`,
  reactionTakenBack: (quoted) => `[سحب التفاعل${quoted !== undefined ? ` على ${shortQuote(quoted, 'ar')}` : ''}]`,
  editedMessage: (was, now) => `[رسالة معدَّلة${was === '' ? '' : `، كانت: «${isolate(was)}»`}] ${isolate(now)}`,
  deletedMessage: (was) => `[رسالة محذوفة${was === '' ? '' : `: «${isolate(was)}»`}]`,
  answeredInApp: () => '(ردّ من تطبيق الأعمال)',
  correctedAnswer: (who, field, was, now) => `صحّح ${isolate(who)} ${isolate(field)} من ${isolate(was)} إلى ${isolate(now)}`,
  answerTakenOut: (who, field, kept, told = false) => `حُذفت الإجابة من رسالة ${isolate(who)} المعدَّلة: بقي ${isolate(field)} ${isolate(kept)}. ${told ? 'أخبر البوتُ العميلَ بأنها ما زالت محفوظة.' : 'لم يُخبر البوتُ العميلَ بذلك.'}`,
  editNotTaken: (who, field, kept, lacks, told = false) => `لا يحتوي تعديل ${isolate(who)} على ${lacks}، لذا بقي ${isolate(field)} ${isolate(kept)}. ${told ? 'أخبر البوتُ العميلَ بذلك.' : 'لم يُخبر البوتُ العميلَ بذلك.'}`,
  reactedInApp: (emoji, quoted) => `تفاعل بـ ${emoji} على ${shortQuote(quoted, 'ar') ?? 'رسالة'}`,
  quotedFile: (kind) => `[${KINDS_AR[kind]}]`,
  filePreview: (file) => FILE_PREVIEW_AR[previewKind(file)] ?? `📎 ${isolate(file.name ?? '')}`,
  editNotRelayed: () => 'لم يُرسل تعديلك إلى أحد: ليس لدى البوت ما يدل على أن تلك الرسالة أُرسلت إلى عميل.',
  editOnClosed: (id, closing) => `${closing ? CLOSED_AR(id, closing) : `المحادثة #${id} مغلقة`}: لم يصل تعديلك إلى العميل.`,
  editNotYours: (id, holder) => `لم تعد المحادثة #${id} معك${holder ? ` (إنها مع ${isolate(holder)})` : ''}: لم يصل تعديلك إلى العميل.`,
  replyNotYours: (id, holder) =>
    holder ? `المحادثة #${id} مع ${isolate(holder)}: لم يصل ذلك إلى العميل.` : `المحادثة #${id} ليست معك: لم يصل ذلك إلى العميل. يستلمها ${isolate(`/claim ${id}`)}.`,
  editTooFarBack: (id) => `المحادثة #${id}: لم يصل تعديلك إلى العميل؛ الرسالة التي يغيّرها قديمة جدًا. اكتب التصحيح في رسالة جديدة.`,
  editNumberedOther: (numbered, relayed) =>
    `لم يُرسَل تعديلك: يبدأ بـ #${numbered.id} (${isolate(numbered.customer)}) لكنه يغيّر رسالة ذهبت إلى المحادثة #${relayed.id} (${isolate(relayed.customer)})، وما زالت عند ${isolate(relayed.customer)} كما كانت. اكتب إلى ${isolate(numbered.customer)} في رسالة جديدة، أو عدّل رسالتك مرة أخرى دون الرقم.`,
  editLeavesNothing: (id) => `المحادثة #${id}: لا يترك تعديلك شيئًا يُقرأ، فلم يُرسل شيء؛ ما زالت رسالتك عند العميل كما كانت (لا يمكن سحب رسالة أُرسلت). اكتب التصحيح في رسالة جديدة.`,
  notDelivered: (id, customer, excerpt, reason, known) =>
    `المحادثة #${id}: لم تُسلَّم رسالتك إلى ${isolate(customer ?? 'العميل')} (${shortQuote(excerpt, 'ar') ?? 'ملف'}): ${known ? NOT_DELIVERED_AR[known] : `ردّت القناة: «${isolate(reason)}»`}${known && UNREACHABLE.has(known) ? `. ${untilTheyWriteAr(id)}` : ''}`,
  reactionNotDelivered: (id, customer, emoji, reason, known) =>
    `المحادثة #${id}: لم يصل تفاعلك ${emoji} إلى ${isolate(customer ?? 'العميل')}: ${known ? NOT_DELIVERED_AR[known] : `ردّت القناة: «${isolate(reason)}»`}${known && UNREACHABLE.has(known) ? `. ${untilTheyWriteAr(id)}` : ''}`,
  notDeliveredWindowClosed: (id, customer, excerpt, templates = []) =>
    `المحادثة #${id}: لم تُسلَّم رسالتك إلى ${isolate(customer ?? 'العميل')} (${shortQuote(excerpt, 'ar') ?? 'ملف'}): ${WINDOW_CLOSED_AR}${templates.length > 0
      ? `: ${templates.map((name) => isolate(`/template ${name}`)).join(' أو ')}`
      : `، ولم يُعدّ أي قالب (${isolate('WHATSAPP_TEMPLATES')}). ${untilTheyWriteAr(id)}`}`,
  missedWhileUnreachable: (count) =>
    `(${count === 1 ? 'لم تصله رسالتك التي سبقت هذه' : `لم تصله ${count} من رسائلك التي سبقت هذه`}: أعد إرسال ما زال يهمّ منها)`,
  reengaged: (id, customer, excerpt, template) =>
    `المحادثة #${id}: كتب ${isolate(customer ?? 'العميل')} آخر مرة قبل أكثر من 24 ساعة، فتعذّر إرسال رسالتك كما كتبتها (${shortQuote(excerpt, 'ar') ?? 'ملف'})؛ أُرسلت داخل القالب المعتمد ${isolate(template)}. ردّه عليه يعيد فتح النافذة، ويصلك هنا.`,
  notDeliveredYet: (id, customer, excerpt, reason) =>
    `المحادثة #${id}: لم تُرسَل رسالتك إلى ${isolate(customer ?? 'العميل')} بعد (${shortQuote(excerpt, 'ar') ?? 'ملف'}): ردّت القناة: «${isolate(reason)}». يُعاد إرسالها تلقائيًا لمدة تصل إلى 24 ساعة، وستعرف هل وصلت.`,
  notDeliveredYetMayHaveBlocked: (id, customer, excerpt) =>
    `المحادثة #${id}: لم تُرسَل رسالتك إلى ${isolate(customer ?? 'العميل')} بعد (${shortQuote(excerpt, 'ar') ?? 'ملف'}): يرفضها تطبيقه بخطأ غير متوقع. يُعاد إرسالها تلقائيًا لبضع دقائق؛ وإن ظلّ يرفضها فقد يعني ذلك أنه حظر الشركة. وستعرف هل وصلت.`,
  deliveredAfterWait: (id, customer, excerpt) =>
    `المحادثة #${id}: أُرسلت رسالتك إلى ${isolate(customer ?? 'العميل')} في النهاية (${shortQuote(excerpt, 'ar') ?? 'ملف'}).`,
  // Commands, names and examples are isolated (FSI … PDI): a Latin one keeps its place in the Arabic sentence.
  commandDescription: (name) => COMMAND_DESCRIPTIONS_AR[name],
  helpHead: () => 'الأوامر (N رقم المحادثة، مثل 42 أو #42):',
  helpLine: (usage, name) => `${isolate(usage)} أو ${isolate(`/${COMMAND_WORDS_AR[name][0]}`)} — ${COMMAND_DESCRIPTIONS_AR[name]}`,
  helpTail: () => `وكل ما تكتبه غير ذلك يصل إلى العميل: عميل الرسالة التي ترد عليها، وإلا فعميل المحادثة التي تبدأ رسالتك برقمها (${isolate('#2')} تم تصحيح فاتورتك)، وإلا فعميل المحادثة الوحيدة التي معك، وإلا فعميل المحادثة التي اخترتها بـ ${isolate('/use N')}.`,
  unknownCommand: (typed, near) => `لا يوجد أمر ${isolate(`/${typed}`)}.${near ? ` هل تقصد ${isolate(`/${near}`)}؟` : ''} أرسل ${isolate('/help')} لعرض الأوامر.`,
  needsNumber: (name) => `يحتاج ${isolate(`/${name}`)} إلى رقم محادثة، مثل ${isolate(exampleAr(name))}.`,
  justNumber: (name) => `يأخذ ${isolate(`/${name}`)} رقم محادثة فقط، مثل ${isolate(exampleAr(name))}.`,
  badNumber: (typed, name) => `«${isolate(typed)}» ليس رقم محادثة؛ اكتبه هكذا: ${isolate(exampleAr(name))}.`,
  closeOneAtATime: (ids) => `يُغلق ${isolate('/close')} محادثة واحدة في كل مرة، ولم يُغلَق شيء: أرسل ${ids.map((id) => isolate(`/close ${id}`)).join(' ثم ')}.`,
  needsTransfer: () => `يحتاج ${isolate('/transfer')} إلى اسم فريق أو موظف، مثل ${isolate('/transfer Billing')} (ومعه رقم المحادثة، ${isolate('/transfer 42 Billing')}، لمحادثة غير التي أنت فيها).`,
  needsNote: () => `يحتاج ${isolate('/note')} إلى رقم محادثة ونص، مثل ${isolate('/note 42 اتصلت بالعميل')}.`,
  needsTemplate: () => `يحتاج ${isolate('/template')} إلى اسم قالب، مثل ${isolate('/template order_update Layla | #4521')}.`,
  notHeld: (id) => `المحادثة #${id} ليست معك. يعرض ${isolate('/list')} محادثاتك.`,
  nowGoTo: (id, customer) => `تصل رسائلك الآن إلى المحادثة #${id} (${isolate(customer)}).`,
  listStatus: (status) => `أنت ${{ online: 'متصل', away: 'غير متاح', offline: 'غير متصل' }[status]}.`,
  listHoldsNone: () => 'ليست معك أي محادثة.',
  listYours: (count, max) => `محادثاتك (${count}/${max}):`,
  listHeld: (id, customer, team, current) => `  #${id} ${isolate(customer)} · ${team ? isolate(team) : 'بلا فريق'}${current ? ` · ${isolate('/use')}` : ''}`,
  listQueueEmpty: (team) => `قائمة انتظار ${isolate(team)}: فارغة.`,
  listQueueHead: (team, count) => `قائمة انتظار ${isolate(team)} (${count}):`,
  listWaiting: (id, customer, minutes) => `  #${id} ${isolate(customer)} · ينتظر منذ ${minutes} د`,
  listMore: (count) => `  … و${count} أخرى`,
  fileNotKept: (file, reason, refusal) => `[تعذّر حفظ ${fileAr(file)}: ${refusalAr(reason, refusal)}]`,
  fileGone: (file) => `[تعذّر إرسال ${fileAr(file)}: لم يعد الملف محفوظًا لدينا]`,
  fileNotCarried: (file, platform) => `[تعذّر إرسال ${fileAr(file)}: لا يقبل ${isolate(platform)} هذا الملف]`,
  fileNotForTeams: (file) => `[تعذّر إرسال ${fileAr(file)}: لا يقبل ${isolate('Teams')} ملفات من البوت]`,
  fileTooLarge: (file, sizeBytes, limitBytes) => `[تعذّر إرسال ${fileAr(file)} (${bytesAr(sizeBytes)}): أقصى ما تقبله هذه الدردشة ${bytesAr(limitBytes)}]`,
  placeNotSent: () => `[تعذّر إرسال ${KINDS_AR.location}: ليست له إحداثيات]`,
  pressNotTaken: () => 'عذرًا، يُرجى المحاولة مرة أخرى بعد قليل.',
  oneToOneOnly: () => 'أجيب في المحادثات الفردية فقط: راسلني مباشرةً وسأساعدك هناك.',
  contactCardNotSent: (name) => `[${KINDS_AR.contact}: ${name ? isolate(name) : 'بلا اسم'}، بلا رقم هاتف]`,
  // Coordinates, names and numbers isolated, so that a Latin name or a "+" keeps its place in the Arabic line.
  placeAsLine: (latitude, longitude, named) => `[${KINDS_AR.location}: ${isolate(`${latitude}, ${longitude}`)}${named !== '' ? ` (${isolate(named)})` : ''}]`,
  placeWithoutCoordinates: () => `[${KINDS_AR.location} بلا إحداثيات]`,
  contactCardAsLine: (name, phone) => `[${KINDS_AR.contact}: ${name ? isolate(name) : 'بلا اسم'}${phone ? `، ${isolate(phone)}` : ''}]`,
  contactAsText: (name, phone) => `جهة اتصال: ${name ? isolate(name) : 'بلا اسم'}${phone ? `، ${isolate(phone)}` : ''}`,
  contactAsBadge: (name, phone) => `👤 ${name ? isolate(name) : 'جهة اتصال'}${phone ? `: ${isolate(phone)}` : ''}`,
  listButton: () => 'اختر',
  // What fills a card line (a name, a channel, an intent, a team) is isolated.
  cardHead: (id, returning, team) => `#${id} · ${returning ? 'محادثة عائدة' : 'محادثة جديدة'}${team ? ` لفريق ${isolate(team)}` : ''}`,
  cardWho: (name, channel, intent) => `${isolate(name)} عبر ${isolate(CHANNELS_AR[channel] ?? channel)}${intent ? ` · بخصوص ${isolate(intent)}` : ''}`,
  cardWrote: (name) => `رسائل ${isolate(name)}:`,
  cardHeadPassedOn: (id, by, from, team) => `#${id} · محادثة حوّلها ${isolate(by)}${from ? ` من فريق ${isolate(from)}` : ''}${team ? ` إلى فريق ${isolate(team)}` : ''}`,
  cardLately: () => 'آخر ما دار فيها:',
  cardNoteBy: (agent) => `${isolate(agent)} (ملاحظة)`,
  cardAgent: () => 'موظف',
  cardAnswer: (name, id) => `ردّ هنا للإجابة على ${isolate(name)}، وأرسل ${isolate(`/close ${id}`)} عند الانتهاء.`,
  cardCustomer: (tag) => `العميل ${isolate(tag)}`,
  onlyTextAndFiles: () => `لا يصل إلى العميل إلا النص والملفات. أرسل ${isolate('/help')} لعرض الأوامر.`,
  bareCommand: (command) => `لم يُرسَل شيء إلى العميل: هل تقصد ${isolate(command)}؟ تبدأ الأوامر بـ «/».`,
  commandWithFile: (command) => `لم يُرسَل شيء ولم يُنفَّذ شيء: لا يُرسَل أمر مع ملف. أرسل الملف وحده إلى العميل، ثم أعد إرسال ${isolate(command)}.`,
  reactionNotOnCustomers: (emoji, to) => (to
    ? `المحادثة #${to.id}: لم يصل تفاعلك ${emoji} إلى ${isolate(to.customer)}: لا يصل إلا التفاعل مع إحدى رسائله هو.`
    : `لم يصل تفاعلك ${emoji} إلى أحد: لا يصل إلى العميل إلا التفاعل مع إحدى رسائله.`),
  reactionOnClosed: (emoji, to, closing) => `${closing ? CLOSED_AR(to.id, closing) : `المحادثة #${to.id} مغلقة`}: لم يصل تفاعلك ${emoji} إلى ${isolate(to.customer)}.`,
  reactionNotYours: (emoji, to, holder) =>
    `لم تعد المحادثة #${to.id} معك${holder ? ` (إنها مع ${isolate(holder)})` : ''}: لم يصل تفاعلك ${emoji} إلى ${isolate(to.customer)}.`,
  reactionNotShown: (emoji, to, someShown) => (someShown
    ? `المحادثة #${to.id}: لم يصل تفاعلك ${emoji} إلى ${isolate(to.customer)}: لا يقبل تطبيقه من الشركة إلا بعض التفاعلات (منها 👍 ❤ 🔥 🙏 👌). تفاعل بأحدها، أو اكتب له ما تريد.`
    : `المحادثة #${to.id}: لم يصل تفاعلك ${emoji} إلى ${isolate(to.customer)}: لا تُنقل التفاعلات إلى محادثته. اكتب له ما تريد بدلًا منه.`),
  deletedStillThere: (to, text) =>
    `المحادثة #${to.id}: ما زالت الرسالة التي حذفتها (${shortQuote(text, 'ar') ?? 'ملف'}) لدى ${isolate(to.customer)}: لا يمكن استرجاع رسالة وصلت إلى العميل. إن كانت خاطئة فأخبره بذلك.`,
  editedCommand: () => 'لا يُنفَّذ الأمر المعدَّل: أرسله مجددًا في رسالة جديدة.',
};

// Why an agent's message did not reach the customer, when the channel could tell (`KnownFailure`): the words the
// agent console and the dashboard say it in (failure-words.js). A closed window is worded apart
// (`notDeliveredWindowClosed`), with the templates that reach the customer.
const NOT_DELIVERED_EN: Readonly<Record<KnownFailure, string>> = FAILURE_WORDS.en;
const NOT_DELIVERED_AR: Readonly<Record<KnownFailure, string>> = FAILURE_WORDS.ar;
const WINDOW_CLOSED_EN = 'the customer last wrote more than 24 hours ago; only an approved template';
const WINDOW_CLOSED_AR = 'كتب العميل آخر مرة قبل أكثر من 24 ساعة؛ لا يصل إليه الآن إلا قالب رسالة معتمد';

/** The failures after which nothing an agent sends reaches the customer until they write again (a closed window aside). */
const UNREACHABLE: ReadonlySet<KnownFailure> = new Set(['blocked', 'noChat', 'cannotReceive', 'unavailable', 'writeFirst']);

/** Why the bot's messages to an agent were refused for good, in their words (see unreachable.ts). */
const AGENT_REFUSED_EN: Readonly<Partial<Record<KnownFailure, string>>> = {
  blocked: 'you had blocked the bot', noChat: 'your chat with the bot was gone', cannotReceive: 'your app could not receive them',
  unavailable: 'you had turned off the business\'s messages', writeFirst: 'you had not started the bot',
};
const AGENT_REFUSED_AR: Readonly<Partial<Record<KnownFailure, string>>> = {
  blocked: 'كنت قد حظرت البوت', noChat: 'لم تعد دردشتك مع البوت موجودة', cannotReceive: 'لم يستطع تطبيقك استلامها',
  unavailable: 'كنت قد أوقفت رسائل الشركة', writeFirst: 'لم تكن قد بدأت المحادثة مع البوت',
};

/**
 * Whether a message failed because nothing could reach the customer then, a closed window included: what their next
 * message changes.
 *
 *     leftUnreachable('blocked'); // true
 *     leftUnreachable('fileTooLarge'); // false
 */
export function leftUnreachable(failure: KnownFailure): boolean {
  return UNREACHABLE.has(failure) || failure === 'windowClosed';
}

// What is left to an agent whose customer nothing reaches: their next message, which comes to the agent while the
// conversation is open, or closing it.
function untilTheyWriteEn(id: number): string {
  return `Nothing you send reaches them now; if they write again, their message comes to you here. /close ${id} if there is nothing more to do.`;
}

function untilTheyWriteAr(id: number): string {
  return `لن يصل إليه شيء مما ترسله الآن؛ وإن كتب من جديد وصلتك رسالته هنا. أرسل ${isolate(`/close ${id}`)} إن لم يبق ما تفعله.`;
}

// What each agent command does, as /help and Telegram's menu of commands say it; in the order /help lists them.
const COMMAND_DESCRIPTIONS_EN: Readonly<Record<AgentCommandName, string>> = {
  online: 'Start taking conversations',
  away: 'Take no new conversations (you keep the ones you hold)',
  list: 'Your conversations and your teams\' queues',
  claim: 'Take conversation N from the queue',
  use: 'Send what you write next to conversation N',
  transfer: 'Hand conversation N (or the one you are in) to a team or a colleague',
  note: 'Add an internal note to conversation N (the customer never sees it)',
  close: 'Close conversation N (or the one you are in), with an optional closing note; a note in "quotes" is also sent to the customer',
  handback: 'Hand conversation N (or the one you are in) back to the bot',
  template: 'Send an approved message template to the customer (when their 24-hour window is closed)',
  help: 'Show these commands',
};

const COMMAND_DESCRIPTIONS_AR: Readonly<Record<AgentCommandName, string>> = {
  online: 'ابدأ باستلام المحادثات',
  away: 'لا تستلم محادثات جديدة (تبقى معك المحادثات التي لديك)',
  list: 'محادثاتك وقوائم انتظار فرقك',
  claim: 'استلم المحادثة N من قائمة الانتظار',
  use: 'أرسل ما تكتبه بعد ذلك إلى المحادثة N',
  transfer: 'حوّل المحادثة N (أو التي أنت فيها) إلى فريق أو زميل',
  note: 'أضف ملاحظة داخلية إلى المحادثة N (لا يراها العميل أبدًا)',
  close: 'أغلق المحادثة N (أو التي أنت فيها) مع ملاحظة إغلاق اختيارية؛ والملاحظة بين "علامتي تنصيص" تُرسل إلى العميل أيضًا',
  handback: 'أعد المحادثة N (أو التي أنت فيها) إلى البوت',
  template: 'أرسل إلى العميل قالب رسالة معتمدًا (حين تُغلق نافذة الـ24 ساعة)',
  help: 'اعرض هذه الأوامر',
};

/**
 * The Arabic words an agent may type for each command instead of its English one (`/إغلاق 42` for `/close 42`), the
 * first as /help shows it; read whatever the agent's language, with أ/ا, ة/ه, ى/ي as one. Telegram's command menu
 * takes Latin names only, so it keeps the English ones. A word alone without its "/" is a message, as these words are
 * also what an agent may write to a customer («متاح»).
 */
export const COMMAND_WORDS_AR: Readonly<Record<AgentCommandName, readonly string[]>> = {
  online: ['متصل', 'متاح'],
  // /offline's: «غير متصل», the word Switchboard shows an Arabic agent for offline (/list), and أوفلاين as it is said.
  away: ['غائب', 'مشغول', 'غير متصل', 'أوفلاين'],
  list: ['قائمة', 'القائمة'],
  claim: ['استلام', 'استلم'],
  use: ['استخدم', 'استخدام'],
  transfer: ['تحويل', 'حول'],
  note: ['ملاحظة'],
  close: ['إغلاق', 'أغلق'],
  handback: ['إرجاع', 'أرجع'],
  template: ['قالب'],
  help: ['مساعدة'],
};

// How a command that takes a conversation number is written, in an example; a note's or a closing note's in the language.
function exampleEn(name: AgentCommandName): string {
  return ({ transfer: '/transfer 42 Billing', note: '/note 42 called the customer', close: '/close 42 refunded' } as Partial<Record<AgentCommandName, string>>)[name] ?? `/${name} 42`;
}

function exampleAr(name: AgentCommandName): string {
  return ({ note: '/note 42 اتصلت بالعميل', close: '/close 42 استُرد المبلغ' } as Partial<Record<AgentCommandName, string>>)[name] ?? exampleEn(name);
}

// A file without a name as a person calls it ("a photo", "a voice message"), not by its kind ("a image").
function notReceivedEn(name: string | undefined, kind: AttachmentKind, reason: string, voice: boolean | undefined): string {
  return `[${name ?? describeAttachment({ kind, ...(voice ? { voice } : {}) })} was not received: ${reason}]`;
}

// Why a file was not kept, in Arabic words when it is known what the channel's English `reason` means, else that
// reason quoted, as the channel's.
function refusalAr(reason: string, refusal: FileRefusal | undefined): string {
  if (refusal?.kind === 'tooLarge') return `الملف أكبر من ${bytesAr(refusal.limitBytes)}`;
  if (refusal?.kind === 'fileType') return 'هذا النوع من الملفات غير مقبول';
  if (refusal?.kind === 'empty') return 'الملف فارغ';
  if (refusal?.kind === 'notFetched') return 'تعذّر تنزيل الملف';
  return `«${isolate(reason)}»`;
}

/**
 * A size in Arabic units, with the digits the other Arabic lines use (`describeBytes`'s rounding).
 *
 *     bytesAr(20 * 1024 * 1024); // '20 ميغابايت'
 */
export function bytesAr(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} ميغابايت`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} كيلوبايت`;
  return `${bytes} بايت`;
}

/** What a preview names a file by: `named` for a document (or other file) with a name of its own, shown as it is. */
function previewKind(file: FileNamed): AttachmentKind | 'voice' | 'named' {
  if (file.kind === 'audio' && file.voice) return 'voice';
  if ((file.kind === 'document' || file.kind === 'audio' || file.kind === 'video') && file.name) return 'named';
  return file.kind;
}

const FILE_PREVIEW_EN: Readonly<Partial<Record<ReturnType<typeof previewKind>, string>>> = {
  image: '📎 Photo', voice: '🎤 Voice message', audio: '📎 Audio file', video: '📎 Video', document: '📎 Document', sticker: 'Sticker', location: '📍 Location', contact: '👤 Contact card',
};
const FILE_PREVIEW_AR: Readonly<Partial<Record<ReturnType<typeof previewKind>, string>>> = {
  image: '📎 صورة', voice: '🎤 رسالة صوتية', audio: '📎 ملف صوتي', video: '📎 فيديو', document: '📎 مستند', sticker: 'ملصق', location: '📍 موقع', contact: '👤 بطاقة جهة اتصال',
};

// A file as an Arabic line names it (after a verbal noun: "تعذّر حفظ صورة"), as `describeAttachment` does in English.
function fileAr(file: FileNamed): string {
  if (file.kind === 'audio' && file.voice) return 'رسالة صوتية';
  if (file.kind === 'audio') return 'ملف صوتي';
  if (file.kind === 'document' && file.name) return `المستند ${isolate(file.name)}`;
  return KINDS_AR[file.kind];
}

// The kinds of message the channels cannot read, after "your": "a card" and "paid_media", as the channels name them,
// read "your card", "your paid media".
function yourKinds(kinds: string): string {
  return kinds.split(', ').map((kind) => kind.replace(/^an? /, '').replace(/_/g, ' ')).join(', ');
}

// The kinds of message the channels cannot read, as they name them (one or several, "shared link, ig reel"), in
// Arabic words where known; any other name is kept, isolated.
function kindsAr(kinds: string): string {
  return kinds.split(', ').map((kind) => UNSHOWN_KINDS_AR[kind] ?? isolate(kind)).join('، ');
}

const UNSHOWN_KINDS_AR: Readonly<Record<string, string>> = {
  poll: 'استطلاع رأي', dice: 'نرد', game: 'لعبة', story: 'قصة', invoice: 'فاتورة', giveaway: 'سحب على جوائز', giveaway_winners: 'نتائج سحب',
  paid_media: 'وسائط مدفوعة', checklist: 'قائمة مهام', order: 'طلب شراء', product: 'منتج', payment: 'دفعة', 'group invitation': 'دعوة إلى مجموعة',
  event: 'دعوة إلى حدث', 'shared link': 'رابط مشارَك', 'story mention': 'إشارة في قصة', 'ig reel': 'مقطع Reel', 'unreadable message': 'رسالة تعذّر فكّ تشفيرها', unsupported: 'نوع غير معروف', unknown: 'نوع غير معروف',
  'a card': 'بطاقة', 'a card\'s form': 'نموذج بطاقة', template: 'قالب',
};

/** The kinds of message a line names where nothing can show them (`poll`…), for what reads such lines as worded (a search). */
export const UNSHOWN_KINDS: readonly string[] = Object.keys(UNSHOWN_KINDS_AR);

/** Channels as an Arabic card names them: the web chat in words, the others by their product's name. */
const CHANNELS_AR: Readonly<Record<string, string>> = {
  webchat: 'دردشة الموقع', telegram: 'Telegram', 'whatsapp-cloud': 'WhatsApp', 'whatsapp-web': 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram', botframework: 'Bot Framework', msteams: 'Teams',
};

/** Channels as an English line or card names them ("Layla on the web chat", "Ali on WhatsApp"), as the agent console does: never the channel's id. */
const CHANNELS_EN: Readonly<Record<string, string>> = {
  webchat: 'the web chat', telegram: 'Telegram', 'whatsapp-cloud': 'WhatsApp', 'whatsapp-web': 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram', botframework: 'Bot Framework', msteams: 'Teams',
};

// A file without a name, as an Arabic line calls it.
const KINDS_AR: Readonly<Record<AttachmentKind, string>> = {
  image: 'صورة', audio: 'تسجيل صوتي', video: 'فيديو', document: 'مستند', sticker: 'ملصق', location: 'موقع', contact: 'بطاقة جهة اتصال',
};

/**
 * What agents and admins read about a closing, in English: `said`, then the closing note in brackets, then a stop,
 * unless the note brings its own ("….)" rather than "….).").
 *
 *     closedLine('Closed #42', 'refunded'); // 'Closed #42 (refunded).'
 *     closedLine('Closed #42', 'Your refund is on its way.'); // 'Closed #42 (Your refund is on its way.)'
 */
export function closedLine(said: string, note: string | undefined): string {
  if (!note) return `${said}.`;
  return `${said} (${note})${endsSentence(note) ? '' : '.'}`;
}

const WORDINGS: Readonly<Record<DeskLanguage, Wording>> = { en, ar };

/**
 * A text that reads differently in each desk language, picked when its line is worded: a team by its titles, which
 * the reader of a line (the agent, an admin) reads in their own language.
 */
export interface PerLanguage {
  readonly perLanguage: Readonly<Record<DeskLanguage, string>>;
}

// What fills a line: where a wording takes a text, a text per language may stand.
type Fill<A extends unknown[]> = { [I in keyof A]: string extends A[I] ? A[I] | PerLanguage : A[I] };

/** A line's key and what fills it, worded when it is shown (`word`). */
export type Line = { [K in keyof Wording]: { key: K; args: Fill<Parameters<Wording[K]>> } }[keyof Wording];

/**
 * The line `key` with what fills it.
 *
 *     const said = line('closed', 42, 'refunded');
 *     word(said, 'ar'); // 'أُغلقت المحادثة #42 (⁨refunded⁩).'
 */
export function line<K extends keyof Wording>(key: K, ...args: Fill<Parameters<Wording[K]>>): Line {
  return { key, args } as Line;
}

/**
 * A line in `language` (English by default: what the messaging apps say).
 *
 *     word(line('claimed', 42));       // '#42 is yours.'
 *     word(line('claimed', 42), 'ar'); // 'أصبحت المحادثة #42 معك.'
 */
export function word(said: Line, language: DeskLanguage = 'en'): string {
  const args = (said.args as unknown[]).map((arg) => (isPerLanguage(arg) ? arg.perLanguage[language] : arg));
  return (WORDINGS[language][said.key] as (...args: unknown[]) => string)(...args);
}

function isPerLanguage(arg: unknown): arg is PerLanguage {
  return typeof arg === 'object' && arg !== null && 'perLanguage' in arg;
}

/**
 * A line in each language the desk speaks: for a page that says it again when its reader switches language.
 *
 *     wordEach(line('claimed', 42)); // { en: '#42 is yours.', ar: 'أصبحت المحادثة #42 معك.' }
 */
export function wordEach(said: Line): Record<DeskLanguage, string> {
  return { en: word(said, 'en'), ar: word(said, 'ar') };
}

/**
 * The desk language of a language tag (`ar`, `ar-EG`): Arabic for Arabic, English for any other or none.
 *
 *     deskLanguage('ar-EG'); // 'ar'
 */
export function deskLanguage(tag: string | undefined): DeskLanguage {
  return tag?.trim().toLowerCase().split(/[-_]/)[0] === 'ar' ? 'ar' : 'en';
}

// Arabic lists take the Arabic comma, and each name is isolated so that a Latin one keeps its place.
function list(names: string[]): string {
  return names.length > 0 ? names.map(isolate).join('، ') : 'لا يوجد';
}

// "(and 3 more)": Arabic counts agree with the number (one, two, three to ten, eleven and up).
function andMore(count: number): string {
  if (count === 1) return 'ورسالة أخرى';
  if (count === 2) return 'ورسالتان أخريان';
  if (count <= 10) return `و${count} رسائل أخرى`;
  return `و${count} رسالة أخرى`;
}

// A duration as an Arabic line says it, in the unit `describeDuration` picks for English ('24 h': 24 ساعة).
function durationAr(ms: number): string {
  const [count = '0', unit = 's'] = describeDuration(ms).split(' ');
  return counted(Number(count), UNITS_AR[unit as keyof typeof UNITS_AR]);
}

// Each unit's forms: one, two, three to ten (plural), eleven to ninety-nine (singular, accusative), a hundred and up.
const UNITS_AR = {
  s: { one: 'ثانية واحدة', two: 'ثانيتين', few: 'ثوانٍ', many: 'ثانية', hundreds: 'ثانية' },
  min: { one: 'دقيقة واحدة', two: 'دقيقتين', few: 'دقائق', many: 'دقيقة', hundreds: 'دقيقة' },
  h: { one: 'ساعة واحدة', two: 'ساعتين', few: 'ساعات', many: 'ساعة', hundreds: 'ساعة' },
  d: { one: 'يوم واحد', two: 'يومين', few: 'أيام', many: 'يومًا', hundreds: 'يوم' },
} as const;

// Arabic counts agree with the number, as `andMore` does: "3 ساعات" but "24 ساعة", "ساعتين", "ساعة واحدة".
function counted(count: number, forms: (typeof UNITS_AR)[keyof typeof UNITS_AR]): string {
  if (count === 1) return forms.one;
  if (count === 2) return forms.two;
  const rest = count % 100;
  if (rest >= 3 && rest <= 10) return `${count} ${forms.few}`;
  if (rest >= 11) return `${count} ${forms.many}`;
  return `${count} ${forms.hundreds}`;
}
