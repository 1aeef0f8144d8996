// The dashboard's words in English and Arabic. The admin's choice is kept in this browser (localStorage) and sets
// the page's lang and dir, so Arabic reads right to left. Customer text is never translated or touched.
import type { KnownFileError, YamlType } from '../shared/file-error.ts';
import type { KnownRefusal } from '../server/admin/context.ts';
import { contactTag } from '../shared/identity.ts';
import { isolate, isolateRtl } from '../shared/text.ts';
import type { KnownFailure } from '../types.ts';
import { FAILURE_WORDS } from '../channels/webchat/failure-words.js';
import { WORDS } from '../channels/webchat/words.js';

const en = {
  appName: 'Switchboard',
  pageTitle: 'Switchboard admin',
  loading: 'Loading…',
  language: 'Language',
  otherLanguage: 'العربية',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInTitle: 'Sign in to the admin dashboard',
  token: 'Admin token',
  tokenHelp: 'The ADMIN_TOKEN set in Switchboard’s environment.',
  yourName: 'Your name (optional)',
  yourNameHelp: 'Shown as the author of what you publish.',
  badToken: 'That token is not right.',
  tooManyAttempts: 'Too many attempts; wait a minute and try again.',
  sessionEnded: 'Your sign-in ended (signed out in another tab, or 12 hours passed). Sign in again: the page and anything you have not published yet are kept.',
  apiOff: 'The admin API is off: set ADMIN_TOKEN in Switchboard’s environment and restart it.',
  networkError: 'The server cannot be reached. Check your connection and try again.',
  serverAnswered: 'the server answered {status}',
  navQueue: 'Queue',
  navConversations: 'Conversations',
  navFlows: 'Flows',
  navContacts: 'Contacts',
  navTeam: 'Team',
  navReports: 'Reports',
  navWhatsapp: 'WhatsApp',
  navNlp: 'Intents',
  menu: 'Menu',
  live: 'Live',
  offline: 'Reconnecting…',
  notLive: 'Not live',
  liveTooManyStreams: 'Live updates are paused: Switchboard already sends them to as many dashboard tabs as it can. Close the dashboard tabs you no longer need; this page tries again by itself and follows the changes again once there is room. Until then, what it shows changes only when you reload it.',
  // The banner on every page while the store refuses every call (`since`: a date and time; `when`: "in 5 s").
  outageDiskTitle: 'Switchboard cannot write to its disk, so it cannot save anything.',
  outageDiskDoing: 'Since {since}, it refuses everything that needs its store and keeps nothing of what it refuses: customers’ messages are not taken (WhatsApp, Telegram and Messenger send them again later; the web chat page sends again by itself), and these pages and the agents’ consoles can neither show nor save anything. What it took before is safe. It tries to write again by itself, every few seconds at first, then every 30 s.',
  outageDiskFix: 'What you can do: make room on the disk that holds Switchboard’s DATA_DIR (or give it back its permission to write there). No restart is needed: this notice goes away once it writes again.',
  outageDatabaseTitle: 'Switchboard cannot reach its database (PostgreSQL), so it can neither read nor save anything.',
  outageDatabaseDoing: 'Since {since}, it refuses everything that needs the database: customers’ messages are not taken (WhatsApp, Telegram and Messenger send them again later; the web chat page sends again by itself), and these pages and the agents’ consoles can neither show nor save anything. What it took before is safe. It asks the database again at every request.',
  outageDatabaseFix: 'What you can do: check that PostgreSQL is running and that this server reaches it (DATABASE_URL, the network, the database’s connection limit). No restart is needed: this notice goes away once the database answers.',
  outageNextTry: 'Next try {when}.',
  outageTryingNow: 'Trying again now…',
  outageDetails: 'What the server says:',
  waitingRepliesTitle: 'Replies not sent yet: {count}. They wait for their channel and go by themselves once it takes them; their agents were told.',
  waitingRepliesChannel: '{channel}: {count}, the first waiting since {since}.',
  waitingRepliesTitleAtLeast: 'Replies not sent yet: at least {count}. They wait for their channel and go by themselves once it takes them; their agents were told.',
  waitingRepliesChannelAtLeast: '{channel}: at least {count}, the first waiting since {since}.',
  channelDownTelegramTokenTitle: 'Telegram refuses the bot’s token: the Telegram channel can neither send nor receive.',
  channelDownTelegramUnreachableTitle: 'Switchboard cannot reach Telegram: the Telegram channel can neither send nor receive.',
  channelDownTelegramConflictTitle: 'Another program takes this bot’s Telegram messages: Switchboard does not get them.',
  channelDownTelegramWebhookTitle: 'Telegram has not taken the bot’s webhook yet: the Telegram channel receives no messages.',
  channelDownTelegramWebhookRefusedTitle: 'Telegram refuses the bot’s webhook address: the Telegram channel receives no messages until it is fixed.',
  channelDownTelegramDeskTitle: 'The bot was removed from a team’s Telegram desk group: that team gets no new conversations there.',
  channelDownTelegramDeskCustomers: 'Since {since}, the team’s new conversations get no topic in the group and wait in its queue, and nothing said in their topics reaches anyone. Customers still reach the bot on Telegram.',
  channelDownWhatsappUnlinkedTitle: 'WhatsApp Web is not linked to your phone: the WhatsApp channel can neither send nor receive.',
  channelDownWhatsappStartingTitle: 'WhatsApp Web is not connected: the WhatsApp channel can neither send nor receive.',
  channelDownOtherTitle: '{channel} is down: it can neither send nor receive.',
  channelDownCustomers: 'Since {since}, customers who write on {channel} get no answer from the bot or from agents, and agents who work on {channel} get nothing. Meanwhile agents’ replies are tried again for up to 24 hours and go once it is back; the bot’s are dropped once 15 minutes old, and its question is asked again at the customer’s next message.',
  channelDownTelegramTokenFix: 'What you can do: check TELEGRAM_BOT_TOKEN against the token @BotFather gives for this bot (it may have been revoked), set it and restart Switchboard.',
  channelDownTelegramUnreachableFix: 'What you can do: check that this server reaches api.telegram.org (or TELEGRAM_API_ROOT): its network, a proxy or a firewall. Switchboard tries again by itself; this notice goes away once Telegram answers.',
  channelDownTelegramConflictFix: 'What you can do: stop the other program using this bot’s token (a second Switchboard, or a webhook another program set), or give each its own bot. This notice goes away once Telegram answers Switchboard again.',
  channelDownTelegramWebhookFix: 'What you can do: check that this server reaches api.telegram.org (or TELEGRAM_API_ROOT) and that PUBLIC_URL is this server’s public HTTPS address. Switchboard tries again by itself; this notice goes away once Telegram takes the webhook.',
  channelDownTelegramWebhookRefusedFix: 'What you can do: set PUBLIC_URL to this server’s public HTTPS address, as the internet reaches it (https://, on port 443, 80, 88 or 8443), and restart Switchboard. Until then it asks Telegram again only every 10 minutes, in case the address just could not be resolved yet.',
  channelDownTelegramDeskFix: 'What you can do: add the bot back to the group named below as an admin that can manage topics. Meanwhile agents take the team’s waiting conversations with /claim, or from the dashboard.',
  channelDownWhatsappUnlinkedFix: 'What you can do: link it again from the business phone (WhatsApp → Linked devices → Link a device) by scanning the QR code. This notice goes away once it is linked.',
  channelDownWhatsappStartingFix: 'Switchboard keeps trying by itself. If this lasts, check that Chromium is installed at CHROMIUM_PATH and that this server reaches web.whatsapp.com. This notice goes away once WhatsApp Web is ready.',
  channelDownOtherFix: 'This notice goes away once the channel is back.',
  channelDownScan: 'Open the QR code to scan',
  // queue
  queueTitle: 'Queue',
  waiting: 'Waiting',
  assigned: 'With an agent',
  noTeam: 'No team',
  teamNoneShown: 'None of them are among those shown here.',
  nobodyWaiting: 'Nobody is waiting.',
  nobodyAssigned: 'No conversation is with an agent.',
  queueShownOf: 'The {shown} who have waited longest are shown, of {total}; the conversations list filtered to Waiting pages through them all.',
  shownOf: '{shown} of {total} shown; the conversations list pages through them all.',
  waitedFor: 'waiting {time}',
  heldBy: 'with {agent}',
  /** A contact without a name, told apart by the start of its id (as agents read "Customer 3f9a"). */
  unnamed: 'Unnamed contact {tag}',
  // conversations
  conversationsTitle: 'Conversations',
  search: 'Search',
  searchConversations: 'Name, field or message text',
  status: 'Status',
  stage: 'Stage',
  team: 'Team',
  agent: 'Agent',
  channel: 'Channel',
  any: 'Any',
  open: 'Open',
  closed: 'Closed',
  stageBot: 'With the bot',
  stageQueued: 'Waiting',
  stageAssigned: 'With an agent',
  loadMore: 'Load more',
  noConversations: 'No conversation matches.',
  conversation: 'Conversation {id}',
  // transcript
  transcript: 'Transcript',
  events: 'Events',
  details: 'Details',
  fields: 'Fields',
  note: 'Internal note',
  addNote: 'Add note',
  notePlaceholder: 'Only the team sees this',
  close: 'Close',
  closeConversation: 'Close conversation',
  confirmClose: 'Close conversation #{id} with {name}? The customer is told it is closed.',
  closingNote: 'Closing note',
  shareNote: 'Send the note to the customer',
  transfer: 'Transfer',
  transferTo: 'Transfer to',
  toTeam: 'Team',
  toAgent: 'Agent',
  handBack: 'Hand back to the bot',
  done: 'Done.',
  fromContact: 'Customer',
  fromBot: 'Bot',
  fromAgent: 'Agent',
  fromBusinessPhone: 'From the business\'s phone',
  fromBusinessApp: 'From the business\'s own app',
  fromBusinessTitle: 'Written by someone at the business in its own app, not in Switchboard: the customer read it as from the business.',
  fromNote: 'Note',
  lateButton: 'a button of an earlier question: no answer',
  delivery: 'Delivery',
  failed: 'failed',
  deliveryPending: 'waiting',
  deliverySending: 'sending',
  deliverySent: 'sent',
  deliveryDelivered: 'delivered',
  deliveryRead: 'read',
  attachment: 'Attachment',
  kindImage: 'image',
  kindAudio: 'audio',
  kindVideo: 'video',
  kindDocument: 'document',
  kindSticker: 'sticker',
  kindLocation: 'location',
  kindContact: 'contact card',
  openedAt: 'Opened',
  closedAt: 'Closed',
  flow: 'Flow',
  flowStep: 'step\u00a0{step}',
  intent: 'Intent',
  none: '—',
  evOpened: 'opened',
  evQueued: 'queued',
  evAssigned: 'assigned',
  evTransferred: 'transferred',
  evClosed: 'closed',
  evHandedBack: 'handed back to the bot',
  evSentAgain: 'reply sent again',
  evBlocked: 'the customer blocked the bot: replies cannot reach them',
  evUnblocked: 'the customer unblocked the bot',
  sendAgain: 'Send again',
  sendAgainTitle: 'Send this reply to the customer once more, as {agent}\'s reply',
  evClassified: 'classified',
  evTo: 'to {to}',
  evFromUnanswered: 'from {agent}: the customer waited too long for their answer',
  evFromAway: 'from {agent}, who was away: the customer waited too long for an answer',
  evFromUnreachable: 'from {agent}: nothing the bot sends reaches them in their app any more (see Team)',
  byCustomer: 'by the customer',
  byAgent: 'by an agent',
  byAdmin: 'by an admin',
  byBot: 'by the bot',
  byInactivity: 'after a while without news',
  byWorkflow: 'by a workflow',
  byNamed: 'by {name}',
  byAdminNamed: 'by {name} (admin)',
  // flows
  flowsTitle: 'Flows',
  newFlow: 'New flow',
  flowName: 'Lowercase letters, digits, - and _',
  create: 'Create',
  badName: 'A name is lowercase letters, digits, - and _, starting with a letter or digit.',
  version: 'Version',
  updated: 'Updated',
  by: 'by',
  openConversations: 'Open conversations',
  statusOk: 'Running',
  statusError: 'Refused',
  stillServing: 'Customers still get the last good version, {version}, until this file is fixed.',
  notServing: 'No version of this flow runs until this file is fixed.',
  statusRemoved: 'File removed',
  removedStillRunning: 'Customers who started on it finish on the version they began; no new conversation starts on it.',
  onEarlierVersions: '{count} still on an earlier version, which they finish on',
  edit: 'Edit',
  history: 'History',
  publish: 'Publish',
  publishing: 'Publishing…',
  published: 'Published version {version}.',
  validating: 'Checking…',
  valid: 'No problems found.',
  problems: '{count} problems',
  oneProblem: '1 problem',
  warnings: 'No problems; {count} warnings',
  oneWarning: 'No problems; 1 warning',
  lineCol: 'line {line}, column {column}',
  // A refused file: where (the file's own names, keys and texts isolated in the page's sentence), and why, for the
  // errors the server names a kind of; any other reason is shown as the server wrote it (English).
  fileRefusedAt: 'Refused at line {line}, column {column}:',
  trainingFileAt: '{file}, line {line}, column {column}:',
  errYamlSyntax: 'YAML syntax error: {detail}',
  errYamlHint: 'check the indentation and quotes around here',
  errUnclosedQuote: 'YAML syntax error: this text opens with {quote} and is never closed (put a {quote} where the text ends)',
  errControlCharacter: 'YAML syntax error: the invisible control character {character} is written here, and would reach whoever reads this text (delete it; retype the words around it if they were pasted)',
  errEscapedControl: 'YAML syntax error: an escape in this quoted text writes the invisible control character {character}, which would reach whoever reads it (remove the escape; {newline} for a new line and {tab} for a tab are fine)',
  errYamlTag: 'YAML syntax error: {tag} is read as a YAML tag, and the text would lose it (put a text that starts with {bang} in quotes: {example})',
  errYamlAlias: 'YAML syntax error: {alias} is read as a YAML alias, not as text (put a text that starts with {sign} in quotes: {example})',
  errYamlAnchor: 'YAML syntax error: {alias} is read as a YAML anchor, not as text (put a text that starts with {sign} in quotes: {example})',
  errYamlKeyAnchor: 'YAML syntax error: {alias} before the key "{key}" is read as a YAML anchor, which no alias ({repeat}) repeats (remove {alias})',
  errYamlAliasLimit: 'YAML syntax error: the aliases ({alias}) here repeat their anchors ({anchor}) more than {limit} times over (write the repeated part out, or use fewer aliases)',
  errUnknownStepKind: 'unknown step kind "{name}"',
  errUnknownKey: 'unknown key "{name}"',
  errDidYouMean: 'did you mean "{name}"?',
  errUseOneOf: 'use one of {names}',
  errAllowedHere: 'allowed here: {names}',
  errMissingKey: 'missing "{name}"',
  errNoExamples: 'intent "{intent}" has no examples; give it a list of example messages or remove it',
  errWrittenTwice: '"{name}" is written twice here (write it once, with all its examples under it)',
  errExampleOfTwo: '"{example}" is an example of both "{first}" ({at}) and "{second}"; keep it under one intent',
  errTeamStillRouted: '{file}, line {line}, column {column}: {assign} names team "{team}", which {teamFile} does not have (keep the team, or first publish the flow without it)',
  errTeamStillRoutedIntent: '{file}, line {line}, column {column}: the route of intent "{intent}" names team "{team}", which {teamFile} does not have (keep the team, or first publish the flow without it)',
  errWrongType: '"{name}" must be {expected}, not {received}',
  yamlString: 'a text',
  yamlNumber: 'a number',
  yamlInteger: 'a whole number',
  yamlBoolean: 'true or false',
  yamlArray: 'a list',
  yamlObject: 'a map',
  yamlNull: 'empty',
  yamlOther: 'another value',
  errNotOneOf: '"{name}" must be one of {names}',
  errEmpty: '"{name}" must not be empty',
  errEmptyItem: 'item {item} of "{name}" is empty; write something in it or remove it',
  errUnknownTeam: '{assign} names team "{team}", which {teamFile} does not have',
  errUnknownTeamIntent: 'the route of intent "{intent}" names team "{team}", which {teamFile} does not have',
  errTeamsInFile: 'teams in {teamFile}: {names}',
  errAgentNamed: 'agent "{name}"',
  errAgentNumber: 'agent {number}',
  errAgentInUnknownTeam: '{agent} is in unknown team "{team}"',
  errTeamsHere: 'teams in this file: {names}',
  errAddTeamFirst: 'add it under {teams} first, e.g. {example}',
  errTeamNamedTwice: 'team "{name}" is named twice (line {line} has it already; remove one of them or rename it)',
  errAgentNamedTwice: 'agent "{name}" is named twice (line {line} has this name already; give each agent their own name)',
  errAddressTaken: '{key} "{address}" is already given to {owner} on line {line} (each identity belongs to one agent; remove it from one of them)',
  errNoAddress: '{agent} has no {keys} (add one, so the bot knows them when they write, e.g. {example})',
  errBadAddress: '"{address}" is not an address {key} understands (e.g. {example})',
  errBadTimeZone: '{whose} has {key} "{zone}", which is not a time zone',
  errBadFileTimeZone: '{key} "{zone}" is not a time zone',
  errTeamNamed: 'team "{name}"',
  errTimeZoneExample: 'an IANA time zone such as {example}',
  errNoSecret: '{agent} has {key} but no {secretKey}: anyone who knows the address would be them (add a long random secret, e.g. from {command}, or {env} to read it from the environment)',
  errShortSecret: '{secretKey} is shorter than {minimum} characters, so it could be guessed (use a long random secret, e.g. from {command}, or {env} to read it from the environment)',
  errBadMaxOpen: '{maxOpen} must be a whole number of 1 or more, not {value} (e.g. {example}, the most open conversations auto-assignment gives this agent)',
  errManyDesks: 'team "{team}" has more than one desk group: {keys} (a team works in one desk group; keep one of these keys)',
  errNameWithoutLetters: 'agent name "{name}" has no letter or digit (name agents as their colleagues call them, e.g. {example})',
  errTeamFileMissing: '{teamFile} is missing, while the one in service has teams and agents (teams: {teams}, agents: {agents}): a file deleted or moved away, or a save cut short, leaves it like this (the last good version stays in service; write the file again, or, to remove every team and agent, write {noTeams} and {noAgents})',
  errTeamFileEmptied: '{teamFile} is empty, while the one in service has teams and agents (teams: {teams}, agents: {agents}): a save cut short leaves a file like this (the last good version stays in service; write the file again, or, to remove every team and agent, write {noTeams} and {noAgents})',
  errWrongItemType: 'item {item} of "{name}" must be {expected}, not {received}',
  errForExample: 'e.g. {example}',
  errListEach: 'write each on its own line under {key}, e.g. {example}',
  errFileNotMap: '{file} must be a map with two lists, {teams} and {agents}, not {received}',
  errSeeShipped: 'see the comments in the shipped {file}',
  // A flow's warnings: it goes into service all the same.
  warnNoneTriedAnswer: 'no answer tried passes the pattern "{pattern}" ({tried} and others): if none can, whatever the customer writes, they are asked again until {onFail} (check the pattern against an answer a customer would write)',
  warnNoneTriedValue: 'no value tried passes the pattern "{pattern}" ({tried} and others): if none can, this condition never holds (check the pattern against a value the field would hold)',
  warnTakesAnyAnswer: 'this pattern accepts any answer, so the customer is never asked again',
  warnTakesAnyLine: 'this pattern accepts any answer on one line, so the customer is never asked again; an answer of several lines it refuses ({dot} takes no line break)',
  warnAnyAnswerHint: 'to take any answer, write {text}; to check one, write what it must look like, e.g. {example}',
  warnRegexUnexplained: 'a customer whose answer this pattern refuses is told only "That doesn\'t look right…", which does not say what to write (add {example} with an answer the pattern takes, or {invalid} with your own words)',
  warnCutByComment: 'customers read "{text}": the rest, "{cut}", is a YAML comment, as a # after a space starts one (put the whole text in quotes: {quoted})',
  warnEndsUnsaid: 'flow "{flow}" can run past its last step without {close} or {assign}; the conversation then closes, and the customer\u2019s next message starts the flow again (end it with {close} to say so, or with {assign} to hand the customer to a team)',
  warnUnknownAgent: '{assign} names agent "{agent}", whom {teamFile} does not have by that name: this step\'s customers go to them only while {teamFile} reaches them at an address they had then, and are otherwise queued for the team, for nobody in particular',
  errAgentsInFile: 'agents in {teamFile}: {names}',
  warnSurveyTakesText: 'this question comes after the conversation closed, and with {expectText} it takes whatever the customer writes next as its answer: a new request ("my invoice is wrong again") is saved here, and no conversation opens for it (ask a rating with {number} or {choice}, so that a message that is no answer opens a new conversation; keep {expectText} only if any words are a fine answer here)',
  warnSharedTriggerThis: 'flow "{flow}" would not run: flow "{other}" ({otherFile}) starts on the same trigger ({trigger}), and of two such flows only the first file by name runs (give this flow another trigger, or remove flow "{other}" first)',
  warnSharedTriggerOther: 'flow "{other}" ({otherFile}) starts on the same trigger ({trigger}) and would no longer run: of two such flows only the first file by name runs (remove flow "{other}" if this one replaces it, or give this flow another trigger)',
  // A flow's patterns and expect that refuse it; the pattern reader's and JavaScript's own words stay English.
  errNeverMatchesAnswer: 'the pattern "{pattern}" takes no answer at all: {because}; whatever the customer writes, they are asked again until {onFail}',
  errNeverMatchesValue: 'the pattern "{pattern}" matches no value at all: {because}; this condition never holds, whatever value the field has',
  errAnswerPatternHint: 'write what an answer must look like after {regex}, e.g. {example}',
  errValuePatternHint: 'write what the value must contain, e.g. {example}',
  errNoPatternAfterRegex: '{regex} has no pattern after it, so it takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until {onFail}',
  errExampleRefused: 'the example "{example}" does not match the pattern "{pattern}": a customer who writes it is refused (write an answer the pattern takes, as a customer would type it)',
  errOnlyEmptyAnswer: 'the pattern "{pattern}" takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until {onFail}',
  errOnlySpaces: 'the pattern "{pattern}" takes only spaces, and an answer is checked without the spaces around it: whatever the customer writes, they are asked again until {onFail}',
  errEmptyPatternHint: 'write what an answer must look like after {regex}, e.g. {example}; to take any answer, write {text}',
  errInvalidPattern: 'invalid regular expression "{pattern}": {detail}',
  errInvalidPatternHint: 'escape characters like {chars} with a backslash',
  errUnknownExpect: 'unknown {expect} "{name}"',
  errUseExpect: 'use one of {names} or {regex}',
  errUnknownGotoTarget: '{goto} target "{target}" is not a step id in this file',
  errStepIdsHere: 'step ids here: {names}',
  errGiveStepId: 'give the step to go to an id: {example}',
  errStepIdTwice: 'duplicate step id "{id}" (line {line} has it already; give each step its own id)',
  errUnknownField: 'unknown field "{field}"',
  errUnknownFieldTemplate: 'unknown field "{field}" in a template',
  errFieldHint: 'a field exists once a flow saves it with {ask} or {set}, or use a builtin like {example}',
  // A flow script's shape, its keys that go together, conditions, fields, texts and files: each refusal of a flow.
  errEmptyFile: 'the file is empty (a flow script starts with {flow}, then {trigger} and {steps})',
  errFlowNotMap: 'a flow script is a map that starts with {flow}, then {trigger} and {steps}, not {received}',
  errStepNotMap: 'a step is a map with one kind key (e.g. {example}, one of {names})',
  errStepWithoutKind: 'this step has no kind (start it with one of {names})',
  errStepOfTwoKinds: 'a step has one kind, this one has {kinds} (split it into separate steps)',
  errBadFlowName: 'a flow name is Latin letters, digits, {underscore} and {dash}, e.g. {example}',
  errBadStepId: 'a step id is letters, digits, {underscore} and {dash}, without spaces, e.g. {example}',
  errBadLanguageTag: '"{name}" must be a language code like {examples}',
  errLabelNotOneLine: 'a label is one line (write it without a line break)',
  errNotText: '"{name}" must be a text, or a text per language like {example}',
  errBadTimeout: '{timeout} is a duration like {examples} (a bare number is seconds)',
  errBadClose: '{close} needs {yes} or a closing note, e.g. {example}',
  errBadTag: '{tag} needs a tag or a list of tags, e.g. {example}',
  errBadChoice: 'a choice is a text, or a map like {example} (the title may be one per language)',
  errBadRoute: 'the route of intent "{name}" is a team, or {example} to title its button',
  errBadSetValue: 'the value of "{name}" is a text, a number, {yes}, {no} or {null}',
  errBadCase: 'a case is {ifCase} or {elseCase}',
  errAtLeast: '"{name}" must be at least {bound} (e.g. {example})',
  errAtMost: '"{name}" must be at most {bound} (e.g. {example})',
  errNotWholeNumber: '"{name}" must be a whole number, without a fraction (e.g. {example})',
  errNotANumber: '"{name}" must be a number, not {nan}',
  errTooLong: '"{name}" is at most {maximum} characters',
  errInvalidValue: 'the value of "{name}" is refused: {detail}',
  errKeyNeedsKey: '{name} goes with {needs} (add {example})',
  errLabelWithoutSave: '{label} names the field {save} writes, and this question saves nothing (add {example}, or remove {label})',
  errAttachmentTakesNo: '{expect} takes no {name}: it is answered with {answer} (remove {key})',
  answerImage: 'a picture',
  answerFile: 'a file',
  answerLocation: 'a shared location',
  errAttachmentInBuiltin: '{expect} saves a reference to what the customer sent, which does not belong in {field} (save it to a field of its own, e.g. {example})',
  errBadCountry: '"{value}" is not a country code (use a two-letter code like {examples})',
  errChoiceIdTwice: 'two choices have the id "{id}" (give each choice a different title or id)',
  errElseNotLast: '{else} must be the last case: the cases after it are never tried (move it to the end)',
  errNoAssignStep: '{jump}: the flow has no {assign} step to go to (add an {assign} step, or use {goto})',
  errLoopNeverWaits: 'this goto loop never waits for the customer: lines {lines} (put an {ask} step inside the loop, so it waits for the customer each time round)',
  errBadCondition: 'a condition is a value or a map with one operator (write a value, or one of {names}, e.g. {example})',
  errConditionSingle: '{op} needs a single value (to match any of several values use {example})',
  errConditionList: '{op} needs a list of values, e.g. {example}',
  errConditionPattern: '{op} needs a regular expression, e.g. {example}',
  errConditionKnown: '{op} needs {yes} or {no} ({known} holds when the field has a value, {unknown} when it has none)',
  errConditionNumber: '{op} needs a number (or a yyyy-mm-dd date), e.g. {example}',
  errUnknownCondition: 'unknown condition "{name}"',
  errConditionsHere: 'use one of {names}',
  errNotAField: '"{name}" is not a field (write {contact} or {conversation}, e.g. {example})',
  errFieldNotWritable: '"{field}" cannot be written by a flow: Switchboard sets it',
  errFieldManaged: '"{field}" is managed by Switchboard',
  errFieldReserved: '"{field}" is a name JavaScript keeps for itself: an answer saved to it would be lost (pick another field name, e.g. {example})',
  errUseTagStep: 'use a {tag} step',
  errUseCloseStep: 'use a {close} step',
  errCopyWithSet: 'copy it into a field of your own with {set}',
  errOwnField: 'save to a field of your own, e.g. {example}',
  errOtherFieldName: 'pick another field name',
  errLabelOfUnsaved: '{fields} labels "{field}", which this flow does not save',
  errSavedHere: 'fields this flow saves: {names}',
  errLabelSaved: 'label the fields this flow saves with {ask} or {set}',
  errLabelTwice: '"{field}" has a label already, at line {line} (give a field one label in a flow: agents read it wherever the field shows)',
  warnLabelLacksLanguage: 'the label of "{field}" has no "{language}" text, though the flow\u2019s texts have one: customers and agents who read "{language}" see {label} on the card and in the agent\u2019s lines (add {example})',
  errPlaceholderNotField: '"{placeholder}" does not name a field (write {contact} or {conversation}, with an optional fallback: {example})',
  errUnbalancedBraces: 'unbalanced {open} or {close} in the text (close each {open} with {close}: placeholders look like {example})',
  errNotLanguage: '"{tag}" is not a language (a text per language is a map like {example}; use a language code like {examples})',
  errLanguageTwice: '"{tag}" gives a second text for the language "{language}" (keep one of the two)',
  errNoTexts: '"{name}" has no text: its map of languages is empty (write a text, or a text per language like {example})',
  errNoFlowLanguageText: '"{name}" has no "{language}" text, the flow\u2019s language (add {example}; customers whose language has no text of its own see that one)',
  errFlowNameTaken: 'flow name "{flow}" is already used by {file} (rename one of the two flows, or move a copy kept aside out of flows/, where every .yaml file is loaded)',
  errNotUtf8: 'the file is not UTF-8 text: this line has a character saved in another encoding (save the file as UTF-8)',
  errNotStoredServing: 'could not store this version ({detail}); the last good version keeps serving (check that the store under {dataDir} is writable, then save the file again)',
  errNotStoredOut: 'could not store this version ({detail}); the flow is not in service (check that the store under {dataDir} is writable, then save the file again)',
  errNameMismatch: 'the flow is called "{flow}" but is published as "{published}": write {example}',
  notPublished422: 'Not published: fix the problems listed above first. Nothing was changed.',
  tooLarge: 'The flow is {size}; a flow may be at most {limit}. Make it shorter to publish it.',
  notPublished413: 'Not published: the flow is {size}, and a flow may be at most {limit}. Nothing was changed.',
  conflict409: 'Someone published first: the flow is now at version {version}. Compare your text with theirs, then publish again.',
  flowRemoved409: 'Someone removed this flow since you opened it: nothing was published. Publish it as a new flow to bring it back with your text.',
  flowRemovedLive: 'Someone removed this flow since you opened it. Publish it as a new flow to bring it back with your text.',
  // A flow file saved outside the dashboard (a text editor, a git pull): live, and as a publish's refusal.
  changedOnDisk: 'The file {file} changed on disk since you opened it (saved outside the dashboard): it is now at version {version}. Compare your text with the file, then publish again.',
  changedOnDisk409: 'Not published: the file {file} changed on disk since you opened it (saved outside the dashboard), and it is now at version {version}. Compare your text with the file, then publish again.',
  removedOnDisk: 'The file {file} was removed from disk since you opened it. Publish it as a new flow to bring it back with your text.',
  compareFile: 'Compare with the file',
  publishOverFile: 'Publish over the file',
  loadFile: 'Discard mine, load the file',
  publishAsNew: 'Publish as a new flow',
  teamConflict409: 'Someone published team.yaml first: it is now at version {version}. Reload the page to get their text, then apply your changes again.',
  // The server's sentence, which English pages showed before the Arabic one was written.
  teamRemoved409: 'someone changed team.yaml since you opened it; reload it and apply your changes again',
  compareTheirs: 'Compare with theirs',
  publishOverTheirs: 'Publish over theirs',
  loadTheirs: 'Discard mine, load theirs',
  unsaved: 'Unpublished changes',
  leaveUnpublished: 'What you changed in the editor is not published. Leave it, and your changes are lost.',
  leaveEditor: 'Leave without publishing',
  stayInEditor: 'Stay in the editor',
  deleteFlow: 'Delete flow',
  confirmDelete: 'Delete the flow {name}? Its file is removed.',
  deleteRefused: 'Not deleted: {count} open conversation(s) still run on it.',
  versions: 'Versions',
  current: 'current',
  publishedBy: '{when} by {who}',
  publishedFromFile: '{when}, from the file on disk',
  anAdmin: 'an admin',
  fileOnDisk: 'the file on disk',
  diffWith: 'Version {old} (left) against the current version {current} (right)',
  noCurrentVersion: 'Version {old} (right): the flow has no current version, its file was removed; rolling back publishes this version again',
  diffDraft: 'Current version {current} (left) against your text (right)',
  rollBack: 'Roll back to version {version}',
  confirmRollBack: 'Publish version {version} again as the current version? Conversations in progress keep theirs.',
  rolledBack: 'Rolled back: version {version} is published.',
  rollbackConflict409: 'Not rolled back: someone published this flow since you opened its history, and it is now at version {version} (the current one in the list). Compare again, then roll back if you still want to.',
  rollbackRemoved409: 'Not rolled back: someone removed this flow since you opened its history.',
  // A rollback over a flow whose file was saved outside the dashboard since its history was opened.
  rollbackChangedOnDisk409: 'Not rolled back: the file {file} changed on disk since you opened its history (saved outside the dashboard), and it is now at version {version} (the current one in the list). Compare it with what was there, then roll back over it if you still want to.',
  rollBackOverFile: 'Roll back to {version} over the file',
  keepFile: 'Discard the rollback, keep the file',
  diskChange: 'What changed on disk: version {was} (left) against the file now, version {version} (right)',
  pickVersion: 'Pick a version to compare it with the current one.',
  backToList: 'All flows',
  // contacts
  contactsTitle: 'Contacts',
  searchContacts: 'Name, phone, email…',
  noContacts: 'No contact matches.',
  name: 'Name',
  identities: 'Addresses',
  tags: 'Tags',
  conversations: 'Conversations',
  save: 'Save',
  saved: 'Saved.',
  contactChangedSince: 'Not saved: someone changed this contact since you opened it ({changed}). Your changes are still in the form: save again to put them over theirs, or load theirs instead.',
  contactNow: '{field} is now {value}',
  contactRemovedNow: '{field} is removed now',
  contactLoadTheirs: 'Discard mine, load theirs',
  addField: 'Add field',
  fieldKey: 'Field',
  fieldValue: 'Value',
  fieldNameBad: 'The field name “{field}” cannot be saved: a field name is letters, digits and “_”, not starting with a digit (like email or order_id).',
  fieldNameTwice: 'Two fields are named “{field}”: rename or remove one of them.',
  fieldNameReserved: 'Flows cannot read a field named “{field}” (JavaScript keeps the name for itself): rename it, or remove it.',
  remove: 'Remove',
  erase: 'Erase contact',
  eraseWarning: 'Erase {name} and all their conversations, messages and files? This cannot be undone (a data-protection request).',
  eraseConfirm: 'Erase for good',
  cancel: 'Cancel',
  erased: 'Erased: {conversations} conversation(s), {messages} message(s), {files} file(s).',
  created: 'Created',
  // team
  teamTitle: 'Team',
  agents: 'Agents',
  online: 'Online',
  away: 'Away',
  offlineStatus: 'Offline',
  load: 'Open / max',
  statusSince: 'Status since',
  awayNoConsole: 'Set away by Switchboard: no console of theirs was open for {span}.',
  awayNoConsoleUntimed: 'Set away by Switchboard: no console of theirs was open.',
  awayByAgent: 'Set away by themselves.',
  unreachableOn: 'Nothing reaches them on {channel} since {since}: {why}. Nothing is sent there until they write from it again.',
  agentBlocked: 'they blocked the bot',
  agentNoChat: 'their chat is gone (their account may have been deleted)',
  agentCannotReceive: 'their app cannot receive messages (their number may not be on the app)',
  agentUnavailable: 'they turned off the business\'s messages or blocked it',
  agentWriteFirst: 'their app takes nothing from the bot until they write to it',
  teams: 'Teams',
  teamFile: 'team.yaml',
  seatedOne: '1 waiting customer is now with an agent.',
  seated: '{count} waiting customers are now with an agent.',
  seatingLeft: 'Some waiting customers the new room is for are not with an agent yet: Switchboard goes on seating them, and tries again at its next periodic check.',
  noAgents: 'No agents in team.yaml yet.',
  // reports
  reportsTitle: 'Reports',
  from: 'From',
  to: 'To',
  apply: 'Show',
  downloadCsv: 'Download CSV',
  opened: 'Opened',
  closedCount: 'Closed',
  assignedCount: 'Given to an agent',
  stillOpen: 'Still open',
  firstResponse: 'First response (median)',
  resolution: 'Resolution (median)',
  resolvedCount: 'over {n} closed by an agent or admin',
  answeredCount: 'over {n} answered by a person',
  openAtEnd: 'open when {day} ended, as the period did',
  periodExplained: 'These are the conversations opened in the period, each on the day it opened (in your time zone): one closed after the period counts here, with its times, and one opened before it does not.',
  timesExplained: 'Both times count from when the customer’s conversation opened, so the bot’s questions and the wait in the queue are part of them. First response: until a person’s first words reached the customer (the bot’s replies never count, nor a reply that failed to send). Resolution: until an agent or admin closed it.',
  perAgentExplained: 'A conversation counts for the agent who holds it, or held it last; its first response counts for the agent who gave it, though they passed it on. Passed on: the times an agent’s conversations went to someone else (their transfer or an admin’s, or automatically: they were away, or left the customer unanswered); in brackets, how many of them an admin made.',
  perTeamExplained: 'A conversation counts for the team it is with last, which resolved it; its first response counts for the team it was with when that was given, though it was transferred since. Passed on: the times a team’s conversations went on from one of its agents, or from its queue (an admin gave one to an agent or another team; nobody in team.yaml could take it); in brackets, how many of them an admin made.',
  handOvers: 'Passed on',
  passedOnByAdmin: '{n} by an admin',
  notResolved: 'Resolution time leaves out {bot} closed by the bot (a flow\u2019s close) or left by the customer, and {auto} closed after inactivity.',
  conversationsByTeam: 'Conversations by team',
  byTeamByDayExplained: 'Each team on the day it took them: a conversation passed to another team counts for that team too, on the day it was passed.',
  firstResponseByDay: 'First response, median ({unit})',
  resolutionByDay: 'Resolution, median ({unit})',
  inSeconds: 'seconds',
  inMinutes: 'minutes',
  inHours: 'hours',
  intents: 'Intents',
  waitingNow: 'Waiting now',
  longestWait: 'longest {time}',
  noData: 'No data in this period.',
  chartsFrom: 'The charts draw the last {count} days of the period, from {day}; the figures and the tables above and below count the whole period, and the CSV has a row for each of those days.',
  perTeam: 'By team',
  perAgent: 'By agent',
  // nlp
  nlpTitle: 'Intents',
  trySentence: 'Try a sentence',
  try: 'Try',
  retrain: 'Retrain',
  retraining: 'Retraining with the current examples…',
  noIntent: 'No intent (out of scope)',
  tryTwoNeeds: 'Two needs for two teams: the bot routes this message by the first, and its agent reads the second on the card ("Also asked"), not by the intent of the whole text above.',
  tryRouted: 'routed',
  tryAlsoAsked: 'Also asked',
  confidence: 'confidence',
  evalTitle: 'How well the examples teach the bot',
  evalHelp: 'After every training, each example is classified by a model trained without it ({folds}-fold cross-validation). Computed {when}.',
  evalPending: 'The figures of the model in service are being computed; they appear here once ready.',
  evalTraining: 'A model of these examples is being trained; its figures are computed after that and appear here once ready.',
  evalTrainingPreviousFigures: 'A model of the examples as they are now is being trained: these figures are those of the model in service, trained before; the new ones appear here once ready.',
  evalTrainingFailed: 'No figures: the last training failed (the bot’s log says why). Retrain to try again.',
  evalCouldNotCompute: 'No figures: the model serves, but its figures could not be computed (the bot’s log says why). Retrain to try again.',
  evalFailedPreviousFigures: 'The last training failed (the bot’s log says why): these figures are those of the model trained before it, which keeps serving. Retrain to try again.',
  evalSkipped: 'No figures: cross-validation needs at least two intents, each with at least two examples.',
  evalNoData: 'No training examples yet: the figures come with the first ones. Write them in the files of {path}, or Teach its intent in a transcript.',
  evalNoModel: 'No figures: no model is in service while the training data is refused.',
  evalRefused: 'No figures: the training data is refused, so nothing is trained until the file is fixed; the figures of the new model are computed after that training.',
  evalOfPreviousModel: 'These are the figures of the model trained before the refused change, the one still in service. Nothing is trained until the file is fixed; the figures of the new model are computed after that training.',
  nlpRefused: 'The training data is refused: the bot does not learn from the files as they are now. Fix this, and it retrains:',
  nlpPreviousModel: 'The model trained before keeps serving: intents are recognised as they were before this change.',
  nlpNoModel: 'No model is in service: the bot recognises no intent until the file is fixed.',
  nlpUnlisted: 'The examples of {file} cannot be listed until that file is fixed.',
  nlpFewExamples: 'Intent {intent} has too few examples ({count}); give it at least {min} (10 to 30 work best).',
  nlpMissingLanguage: 'Intent {intent} has no examples in {language}, unlike {others}: messages in {language} meant for it will go elsewhere or get the clarify question; add a few.',
  nlpAndMore: '{names} and {count} more',
  nlpNearDuplicate: '“{text}” ({intent}) is nearly the same as “{twin}” ({twinIntent}, {at}): the model cannot tell them apart; keep one, or reword them so they differ.',
  evalAccuracy: 'Right intent',
  evalConfident: 'Right and confident (≥ {threshold}%)',
  evalBackground: 'Small talk rejected (below {threshold}%)',
  evalConfused: 'Most often mixed up',
  evalTakenFor: 'taken for',
  evalNoConfusion: 'No example was mistaken for another intent.',
  intentAccuracy: 'Accuracy',
  examples: 'Examples',
  languages: 'Languages',
  teach: 'Teach its intent',
  addExample: 'Add as example',
  exampleAdded: 'Added as an example of {intent}; the model retrains.',
  exampleOfAnother: '"{text}" is already an example of "{intent}" ({at}); an example belongs to one intent',
  exampleDataRefused: 'The training data is refused, so nothing was added: {file}, line {line}, column {column}: {reason}; fix that first.',
  // whatsapp
  whatsappTitle: 'Link WhatsApp',
  whatsappHelp: 'On the business phone: WhatsApp → Linked devices → Link a device, then scan the code.',
  whatsappLinked: 'WhatsApp is linked.',
  pairingCode: 'Pairing code: {code}',
  qrCode: 'QR code to scan with WhatsApp',
  // channels
  channelWebchat: 'Web chat',
  // the code editor's own words (CodeMirror's phrases: the English is the phrase it asks for)
  cmFind: 'Find',
  cmReplace: 'Replace',
  cmNext: 'next',
  cmPrevious: 'previous',
  cmAll: 'all',
  cmMatchCase: 'match case',
  cmRegexp: 'regexp',
  cmByWord: 'by word',
  cmReplaceOne: 'replace',
  cmReplaceAll: 'replace all',
  cmClose: 'close',
  cmGoToLine: 'Go to line',
  cmGo: 'go',
  cmCurrentMatch: 'current match',
  cmOnLine: 'on line',
  cmReplacedMatches: 'replaced $ matches',
  cmReplacedOnLine: 'replaced match on line $',
  cmFoldLine: 'Fold line',
  cmUnfoldLine: 'Unfold line',
  cmFoldedCode: 'folded code',
  cmFoldedLines: 'Folded lines',
  cmUnfoldedLines: 'Unfolded lines',
  cmUnfold: 'unfold',
  cmTo: 'to',
  cmDiagnostics: 'Diagnostics',
  cmNoDiagnostics: 'No diagnostics',
  cmControlCharacter: 'Control character',
  cmUnchangedLines: '$ unchanged lines',
  cmAccept: 'Accept',
  cmReject: 'Reject',
  cmRevertChunk: 'Revert this chunk',
  cmCompletions: 'Completions',
  cmSelectionDeleted: 'Selection deleted',
  // errors
  error: 'Something went wrong: {message}',
  notFound: 'Not found.',
  notFoundBecause: 'Not found: {reason}.',
  retry: 'Retry',
  // What the server itself answers, by its kind (`unavailable` with the wait it asks for: `when` is "in 5 s").
  serverUnavailable: 'Switchboard cannot do this right now (it is starting, or cannot reach its store); nothing was done. Try again {when}.',
  serverFailed: 'The server failed to do this (its log says why). Try again.',
  serverNoRoute: 'The server does not know this request: reload the page (Switchboard may have been updated).',
  serverRefused: 'The server did not take this request: {reason}',
  serverTooLarge: 'This is more than the server takes at once (at most {max}).',
  seconds: '{n} s',
  minutes: '{n} min',
  hours: '{n} h {m} min',
  days: '{n} d {h} h',
};

export type StringKey = keyof typeof en;

const ar: Record<StringKey, string> = {
  appName: 'Switchboard',
  pageTitle: 'لوحة إدارة Switchboard',
  loading: 'جارٍ التحميل…',
  language: 'اللغة',
  otherLanguage: 'English',
  signIn: 'تسجيل الدخول',
  signOut: 'تسجيل الخروج',
  signInTitle: 'تسجيل الدخول إلى لوحة الإدارة',
  token: 'رمز المسؤول',
  tokenHelp: 'قيمة ADMIN_TOKEN المضبوطة في بيئة Switchboard.',
  yourName: 'اسمك (اختياري)',
  yourNameHelp: 'يظهر كاتبًا لما تنشره.',
  badToken: 'هذا الرمز غير صحيح.',
  tooManyAttempts: 'محاولات كثيرة؛ انتظر دقيقة ثم أعد المحاولة.',
  sessionEnded: 'انتهى تسجيل دخولك (سُجّل الخروج في تبويب آخر، أو مضت 12 ساعة). سجّل الدخول من جديد: تبقى الصفحة وكل ما لم تنشره بعد.',
  apiOff: 'واجهة الإدارة متوقفة: اضبط ADMIN_TOKEN في بيئة Switchboard ثم أعد تشغيله.',
  networkError: 'تعذّر الوصول إلى الخادم. تحقّق من الاتصال وأعد المحاولة.',
  serverAnswered: 'ردّ الخادم بالرمز {status}',
  navQueue: 'قائمة الانتظار',
  navConversations: 'المحادثات',
  navFlows: 'مسارات المحادثة',
  navContacts: 'جهات الاتصال',
  navTeam: 'الفريق',
  navReports: 'التقارير',
  navWhatsapp: 'واتساب',
  navNlp: 'النوايا',
  menu: 'القائمة',
  live: 'مباشر',
  offline: 'جارٍ إعادة الاتصال…',
  notLive: 'غير مباشر',
  liveTooManyStreams: 'التحديثات المباشرة متوقفة: يرسلها Switchboard الآن إلى أكبر عدد يستطيعه من تبويبات لوحة التحكم. أغلق تبويبات اللوحة التي لم تعد تحتاجها؛ ستعيد هذه الصفحة المحاولة وحدها وتتابع التغييرات من جديد متى اتسع المجال. وحتى ذلك الحين لا يتغيّر ما تعرضه إلا إذا أعدت تحميلها.',
  outageDiskTitle: 'يتعذّر على Switchboard الكتابة على قرصه، فلا يستطيع حفظ أي شيء.',
  outageDiskDoing: 'منذ {since} يرفض كل ما يحتاج إلى مخزنه ولا يحتفظ بشيء مما يرفضه: لا تُستقبل رسائل العملاء (يعيد واتساب وتيليجرام وماسنجر إرسالها لاحقًا، وتعيد صفحة الدردشة إرسالها وحدها)، ولا تستطيع هذه الصفحات ولا لوحات الوكلاء عرض شيء أو حفظه. أما ما استقبله من قبل فمحفوظ. ويعيد محاولة الكتابة وحده، كل بضع ثوانٍ في البداية ثم كل 30 ثانية.',
  outageDiskFix: 'ما يمكنك فعله: وفّر مساحة على القرص الذي يحمل مجلد DATA_DIR الخاص بـ Switchboard (أو أعد إليه صلاحية الكتابة فيه). لا حاجة إلى إعادة التشغيل: يختفي هذا التنبيه متى عادت الكتابة.',
  outageDatabaseTitle: 'يتعذّر على Switchboard الوصول إلى قاعدة بياناته (PostgreSQL)، فلا يستطيع قراءة أي شيء أو حفظه.',
  outageDatabaseDoing: 'منذ {since} يرفض كل ما يحتاج إلى قاعدة البيانات: لا تُستقبل رسائل العملاء (يعيد واتساب وتيليجرام وماسنجر إرسالها لاحقًا، وتعيد صفحة الدردشة إرسالها وحدها)، ولا تستطيع هذه الصفحات ولا لوحات الوكلاء عرض شيء أو حفظه. أما ما استقبله من قبل فمحفوظ. ويسأل قاعدة البيانات من جديد مع كل طلب.',
  outageDatabaseFix: 'ما يمكنك فعله: تحقّق من أن PostgreSQL يعمل وأن هذا الخادم يصل إليه (DATABASE_URL، والشبكة، وحدّ الاتصالات في قاعدة البيانات). لا حاجة إلى إعادة التشغيل: يختفي هذا التنبيه متى أجابت قاعدة البيانات.',
  outageNextTry: 'المحاولة التالية {when}.',
  outageTryingNow: 'تجري المحاولة الآن…',
  outageDetails: 'ما يقوله الخادم:',
  waitingRepliesTitle: 'ردود لم تُرسل بعد: {count}. تنتظر قناتها وتُرسل تلقائيًا حين تقبلها، وقد أُبلغ وكلاؤها.',
  waitingRepliesChannel: '{channel}: {count}، أولها ينتظر منذ {since}.',
  waitingRepliesTitleAtLeast: 'ردود لم تُرسل بعد: {count} على الأقل. تنتظر قناتها وتُرسل تلقائيًا حين تقبلها، وقد أُبلغ وكلاؤها.',
  waitingRepliesChannelAtLeast: '{channel}: {count} على الأقل، أولها ينتظر منذ {since}.',
  channelDownTelegramTokenTitle: 'يرفض تيليجرام رمز البوت (token): لا تستطيع قناة تيليجرام الإرسال ولا الاستقبال.',
  channelDownTelegramUnreachableTitle: 'يتعذّر على Switchboard الوصول إلى تيليجرام: لا تستطيع قناة تيليجرام الإرسال ولا الاستقبال.',
  channelDownTelegramConflictTitle: 'برنامج آخر يأخذ رسائل هذا البوت على تيليجرام: لا تصل إلى Switchboard.',
  channelDownTelegramWebhookTitle: 'لم يقبل تيليجرام عنوان الـ webhook الخاص بالبوت بعد: لا تستقبل قناة تيليجرام أي رسالة.',
  channelDownTelegramWebhookRefusedTitle: 'يرفض تيليجرام عنوان الـ webhook الخاص بالبوت: لا تستقبل قناة تيليجرام أي رسالة حتى يُصحَّح.',
  channelDownTelegramDeskTitle: 'أُزيل البوت من مجموعة مكتب أحد الفرق على تيليجرام: لا تصل إلى ذلك الفريق محادثات جديدة هناك.',
  channelDownTelegramDeskCustomers: 'منذ {since} لا تحصل محادثات الفريق الجديدة على موضوع في المجموعة وتنتظر في قائمة انتظاره، ولا يصل إلى أحد ما يُكتب في مواضيعها. أما العملاء فما زالوا يصلون إلى البوت عبر تيليجرام.',
  channelDownWhatsappUnlinkedTitle: 'واتساب ويب غير مربوط بهاتفك: لا تستطيع قناة واتساب الإرسال ولا الاستقبال.',
  channelDownWhatsappStartingTitle: 'واتساب ويب غير متصل: لا تستطيع قناة واتساب الإرسال ولا الاستقبال.',
  channelDownOtherTitle: 'القناة {channel} متوقفة: لا تستطيع الإرسال ولا الاستقبال.',
  channelDownCustomers: 'منذ {since} لا يتلقى العملاء الذين يكتبون عبر {channel} أي رد من البوت ولا من الوكلاء، ولا يصل شيء إلى الوكلاء الذين يعملون عبر {channel}. وفي أثناء ذلك تُعاد محاولة إرسال ردود الوكلاء حتى 24 ساعة وتُرسل حين تعود القناة؛ أما ردود البوت فتُترك متى مضت عليها 15 دقيقة، ويُطرح سؤاله من جديد عند رسالة العميل التالية.',
  channelDownTelegramTokenFix: 'ما يمكنك فعله: قارن TELEGRAM_BOT_TOKEN بالرمز الذي يعطيه @BotFather لهذا البوت (ربما أُلغي)، ثم اضبطه وأعد تشغيل Switchboard.',
  channelDownTelegramUnreachableFix: 'ما يمكنك فعله: تحقّق من أن هذا الخادم يصل إلى api.telegram.org (أو TELEGRAM_API_ROOT): الشبكة، أو وسيط (proxy)، أو جدار حماية. يعيد Switchboard المحاولة وحده، ويختفي هذا التنبيه متى أجاب تيليجرام.',
  channelDownTelegramConflictFix: 'ما يمكنك فعله: أوقف البرنامج الآخر الذي يستعمل رمز هذا البوت (نسخة ثانية من Switchboard، أو webhook ضبطه برنامج آخر)، أو اجعل لكلٍّ منهما بوته. يختفي هذا التنبيه متى أجاب تيليجرام Switchboard من جديد.',
  channelDownTelegramWebhookFix: 'ما يمكنك فعله: تحقّق من أن هذا الخادم يصل إلى api.telegram.org (أو TELEGRAM_API_ROOT) وأن PUBLIC_URL هو عنوان HTTPS العام لهذا الخادم. يعيد Switchboard المحاولة وحده، ويختفي هذا التنبيه متى قبل تيليجرام الـ webhook.',
  channelDownTelegramWebhookRefusedFix: 'ما يمكنك فعله: اضبط PUBLIC_URL على عنوان HTTPS العام لهذا الخادم كما يصل إليه الإنترنت (على المنفذ 443 أو 80 أو 88 أو 8443)، ثم أعد تشغيل Switchboard. وإلى ذلك الحين لا يسأل تيليجرام من جديد إلا كل 10 دقائق، تحسّبًا لعنوان لم يُعرف بعد.',
  channelDownTelegramDeskFix: 'ما يمكنك فعله: أعد إضافة البوت إلى المجموعة المذكورة أدناه مشرفًا يمكنه إدارة المواضيع. وفي أثناء ذلك يأخذ الوكلاء محادثات الفريق المنتظرة بالأمر \u2066/claim\u2069 أو من لوحة التحكم.',
  channelDownWhatsappUnlinkedFix: 'ما يمكنك فعله: اربطه من جديد من هاتف العمل (واتساب ← الأجهزة المرتبطة ← ربط جهاز) بمسح رمز QR. يختفي هذا التنبيه متى تم الربط.',
  channelDownWhatsappStartingFix: 'يواصل Switchboard المحاولة وحده. إن طال الأمر فتحقّق من أن Chromium مثبّت في CHROMIUM_PATH وأن هذا الخادم يصل إلى web.whatsapp.com. يختفي هذا التنبيه متى صار واتساب ويب جاهزًا.',
  channelDownOtherFix: 'يختفي هذا التنبيه متى عادت القناة.',
  channelDownScan: 'افتح رمز QR لمسحه',
  queueTitle: 'قائمة الانتظار',
  waiting: 'في الانتظار',
  assigned: 'مع موظف',
  noTeam: 'بلا فريق',
  teamNoneShown: 'لا يظهر أيٌّ منهم بين المعروضين هنا.',
  nobodyWaiting: 'لا أحد في الانتظار.',
  nobodyAssigned: 'لا توجد محادثة مع موظف.',
  queueShownOf: 'تظهر هنا {shown} محادثة انتظر أصحابها أطول مدة من أصل {total}؛ وتعرضها كلها قائمة المحادثات في مرحلة «في الانتظار».',
  shownOf: 'تظهر هنا {shown} من أصل {total}؛ وتعرضها كلها قائمة المحادثات.',
  waitedFor: 'ينتظر منذ {time}',
  heldBy: 'مع {agent}',
  unnamed: 'جهة اتصال بلا اسم {tag}',
  conversationsTitle: 'المحادثات',
  search: 'بحث',
  searchConversations: 'الاسم أو حقل أو نص رسالة',
  status: 'الحالة',
  stage: 'المرحلة',
  team: 'الفريق',
  agent: 'الموظف',
  channel: 'القناة',
  any: 'الكل',
  open: 'مفتوحة',
  closed: 'مغلقة',
  stageBot: 'مع البوت',
  stageQueued: 'في الانتظار',
  stageAssigned: 'مع موظف',
  loadMore: 'عرض المزيد',
  noConversations: 'لا توجد محادثة مطابقة.',
  conversation: 'المحادثة {id}',
  transcript: 'نص المحادثة',
  events: 'الأحداث',
  details: 'التفاصيل',
  fields: 'الحقول',
  note: 'ملاحظة داخلية',
  addNote: 'إضافة ملاحظة',
  notePlaceholder: 'لا يراها إلا الفريق',
  close: 'إغلاق',
  closeConversation: 'إغلاق المحادثة',
  confirmClose: 'إغلاق المحادثة #{id} مع {name}؟ سيُبلَّغ العميل بإغلاقها.',
  closingNote: 'ملاحظة الإغلاق',
  shareNote: 'إرسال الملاحظة إلى العميل',
  transfer: 'تحويل',
  transferTo: 'تحويل إلى',
  toTeam: 'فريق',
  toAgent: 'موظف',
  handBack: 'إعادتها إلى البوت',
  done: 'تم.',
  fromContact: 'العميل',
  fromBot: 'البوت',
  fromAgent: 'الموظف',
  fromBusinessPhone: 'من هاتف الشركة',
  fromBusinessApp: 'من تطبيق الشركة',
  fromBusinessTitle: 'كتبها شخص في الشركة من تطبيقها، لا من Switchboard: قرأها العميل على أنها من الشركة.',
  fromNote: 'ملاحظة',
  lateButton: 'زر من سؤال سابق: ليس إجابة',
  delivery: 'التسليم',
  failed: 'فشل',
  deliveryPending: 'في الانتظار',
  deliverySending: 'قيد الإرسال',
  deliverySent: 'أُرسلت',
  deliveryDelivered: 'سُلِّمت',
  deliveryRead: 'قُرئت',
  attachment: 'مرفق',
  kindImage: 'صورة',
  kindAudio: 'تسجيل صوتي',
  kindVideo: 'فيديو',
  kindDocument: 'مستند',
  kindSticker: 'ملصق',
  kindLocation: 'موقع',
  kindContact: 'بطاقة جهة اتصال',
  openedAt: 'فُتحت',
  closedAt: 'أُغلقت',
  flow: 'المسار',
  flowStep: 'الخطوة\u00a0{step}',
  intent: 'النية',
  none: '—',
  evOpened: 'فُتحت',
  evQueued: 'دخلت قائمة الانتظار',
  evAssigned: 'أُسندت',
  evTransferred: 'حُوّلت',
  evClosed: 'أُغلقت',
  evHandedBack: 'أُعيدت إلى البوت',
  evSentAgain: 'أُعيد إرسال رد',
  evBlocked: 'حظر العميل البوت: لا يمكن أن تصله الردود',
  evUnblocked: 'ألغى العميل حظر البوت',
  sendAgain: 'إعادة الإرسال',
  sendAgainTitle: 'أرسل هذا الرد إلى العميل مرة أخرى، ردًّا من {agent}',
  evClassified: 'صُنّفت',
  evTo: 'إلى {to}',
  evFromUnanswered: 'من {agent}: طال انتظار العميل لرده',
  evFromAway: 'من {agent} وكان غائبًا: طال انتظار العميل للرد',
  evFromUnreachable: 'من {agent}: لم يعد يصله شيء مما يرسله البوت في تطبيقه (انظر «الفريق»)',
  byCustomer: 'بواسطة العميل',
  byAgent: 'بواسطة موظف',
  byAdmin: 'بواسطة مسؤول',
  byBot: 'بواسطة البوت',
  byInactivity: 'بعد فترة من عدم النشاط',
  byWorkflow: 'بواسطة سير عمل آلي',
  byNamed: 'بواسطة {name}',
  byAdminNamed: 'بواسطة {name} (مسؤول)',
  flowsTitle: 'مسارات المحادثة',
  newFlow: 'مسار جديد',
  flowName: 'حروف لاتينية صغيرة وأرقام و- و_',
  create: 'إنشاء',
  badName: 'الاسم حروف لاتينية صغيرة وأرقام و- و_، ويبدأ بحرف أو رقم.',
  version: 'الإصدار',
  updated: 'آخر تعديل',
  by: 'بواسطة',
  openConversations: 'محادثات مفتوحة',
  statusOk: 'يعمل',
  statusError: 'مرفوض',
  stillServing: 'يحصل العملاء على آخر نسخة سليمة، {version}، حتى يُصلح هذا الملف.',
  notServing: 'لا تعمل أي نسخة من هذا المسار حتى يُصلح هذا الملف.',
  statusRemoved: 'الملف محذوف',
  removedStillRunning: 'يُكمل العملاء الذين بدؤوا عليه على الإصدار الذي بدؤوا به، ولا تبدأ عليه أي محادثة جديدة.',
  onEarlierVersions: 'ما زالت {count} على إصدار سابق وتُكمل عليه',
  edit: 'تحرير',
  history: 'السجل',
  publish: 'نشر',
  publishing: 'جارٍ النشر…',
  published: 'نُشر الإصدار {version}.',
  validating: 'جارٍ التحقق…',
  valid: 'لا توجد مشكلات.',
  problems: 'المشكلات: {count}',
  oneProblem: 'المشكلات: 1',
  warnings: 'لا توجد مشكلات؛ التحذيرات: {count}',
  oneWarning: 'لا توجد مشكلات؛ تحذير واحد',
  lineCol: 'السطر {line}، العمود {column}',
  fileRefusedAt: 'الملف مرفوض في السطر {line}، العمود {column}:',
  trainingFileAt: '{file}، السطر {line}، العمود {column}:',
  errYamlSyntax: 'خطأ في صياغة YAML: {detail}',
  errYamlHint: 'تحقّق من المسافات البادئة وعلامات الاقتباس هنا',
  errUnclosedQuote: 'خطأ في صياغة YAML: يبدأ هذا النص بعلامة الاقتباس {quote} ولا يُغلَق بها (ضع {quote} حيث ينتهي النص)',
  errControlCharacter: 'خطأ في صياغة YAML: كُتب هنا محرف التحكم الخفي {character}، وسيصل إلى كل من يقرأ هذا النص (احذفه؛ وأعد كتابة الكلمات المحيطة به إن كانت ملصوقة)',
  errEscapedControl: 'خطأ في صياغة YAML: تسلسل الهروب في هذا النص المقتبس يكتب محرف التحكم الخفي {character}، وسيصل إلى كل من يقرؤه (احذف تسلسل الهروب؛ ولا بأس بـ {newline} لسطر جديد و{tab} لمسافة جدولة)',
  errYamlTag: 'خطأ في صياغة YAML: تقرأ YAML الكلمة {tag} وسمًا (tag) فتُسقطها من النص (ضع النص الذي يبدأ بـ {bang} بين علامتي اقتباس: {example})',
  errYamlAlias: 'خطأ في صياغة YAML: تقرأ YAML الكلمة {alias} اسمًا مستعارًا (alias) لا نصًّا (ضع النص الذي يبدأ بـ {sign} بين علامتي اقتباس: {example})',
  errYamlAnchor: 'خطأ في صياغة YAML: تقرأ YAML الكلمة {alias} مرساةً (anchor) لا نصًّا (ضع النص الذي يبدأ بـ {sign} بين علامتي اقتباس: {example})',
  errYamlKeyAnchor: 'خطأ في صياغة YAML: تقرأ YAML الكلمة {alias} قبل المفتاح «{key}» مرساةً (anchor) لا يكرّرها أي اسم مستعار ({repeat}) (احذف {alias})',
  errYamlAliasLimit: 'خطأ في صياغة YAML: الأسماء المستعارة ({alias}) هنا تكرّر مراسيها ({anchor}) أكثر من {limit} مرة في المجموع، فيتضخّم الملف عند قراءته أضعافًا مضاعفة (اكتب الجزء المكرَّر كاملًا، أو استعمل أسماء مستعارة أقل)',
  errUnknownStepKind: 'نوع خطوة غير معروف: «{name}»',
  errUnknownKey: 'مفتاح غير معروف: «{name}»',
  errDidYouMean: 'هل تقصد «{name}»؟',
  errUseOneOf: 'استعمل أحد هذه الأنواع: {names}',
  errAllowedHere: 'المسموح به هنا: {names}',
  errMissingKey: 'ينقص المفتاح «{name}»',
  errNoExamples: 'النية «{intent}» بلا أمثلة؛ أعطها قائمة برسائل أمثلةً عليها أو احذفها',
  errWrittenTwice: 'كُتب «{name}» مرتين هنا (اكتبه مرة واحدة، وتحته كل أمثلته)',
  errExampleOfTwo: 'الجملة «{example}» مثال على النية «{first}» ({at}) وعلى النية «{second}» معًا؛ أبقها تحت نية واحدة',
  errTeamStillRouted: '{file}، السطر\u00a0{line}، العمود\u00a0{column}: تُحيل الخطوة {assign} العملاء إلى الفريق «{team}»، وليس في {teamFile} (أبقِ الفريق، أو انشر المسار أولًا من دونه)',
  errTeamStillRoutedIntent: '{file}، السطر\u00a0{line}، العمود\u00a0{column}: يُحيل توجيه النية «{intent}» العملاء إلى الفريق «{team}»، وليس في {teamFile} (أبقِ الفريق، أو انشر المسار أولًا من دونه)',
  errWrongType: 'يجب أن تكون قيمة «{name}» من نوع {expected}، لا {received}',
  yamlString: 'نص',
  yamlNumber: 'رقم',
  yamlInteger: 'عدد صحيح',
  yamlBoolean: 'true أو false',
  yamlArray: 'قائمة',
  yamlObject: 'خريطة مفاتيح',
  yamlNull: 'قيمة فارغة',
  yamlOther: 'قيمة أخرى',
  errNotOneOf: 'يجب أن تكون قيمة «{name}» واحدة من: {names}',
  errEmpty: 'لا يجوز أن تكون قيمة «{name}» فارغة',
  errEmptyItem: 'العنصر رقم\u00a0{item} في «{name}» فارغ؛ اكتب فيه قيمة أو احذفه',
  errUnknownTeam: 'تُحيل الخطوة {assign} إلى الفريق «{team}»، وليس في {teamFile}',
  errUnknownTeamIntent: 'يُحيل توجيه النية «{intent}» إلى الفريق «{team}»، وليس في {teamFile}',
  errTeamsInFile: 'الفرق في {teamFile}: {names}',
  errAgentNamed: 'الموظف «{name}»',
  errAgentNumber: 'الموظف رقم\u00a0{number}',
  errAgentInUnknownTeam: '{agent} في فريق غير معروف: «{team}»',
  errTeamsHere: 'الفرق في هذا الملف: {names}',
  errAddTeamFirst: 'أضفه أولًا تحت {teams}، مثل {example}',
  errTeamNamedTwice: 'الفريق «{name}» مسمّى مرتين (في السطر\u00a0{line} الاسم نفسه؛ احذف أحدهما أو غيّر اسمه)',
  errAgentNamedTwice: 'الموظف «{name}» مسمّى مرتين (في السطر\u00a0{line} هذا الاسم من قبل؛ أعطِ كل موظف اسمًا خاصًّا به)',
  errAddressTaken: 'العنوان «{address}» في {key} معطى من قبل إلى {owner} في السطر\u00a0{line} (لكل عنوان موظف واحد؛ احذفه من أحدهما)',
  errNoAddress: 'ليس لدى {agent} أيٌّ من {keys} (أضف واحدًا ليعرفه البوت حين يكتب، مثل {example})',
  errBadAddress: '«{address}» ليس عنوانًا يفهمه {key} (مثل {example})',
  errBadTimeZone: '«{zone}» في {key} لدى {whose} ليست منطقة زمنية',
  errBadFileTimeZone: '«{zone}» في {key} ليست منطقة زمنية',
  errTeamNamed: 'الفريق «{name}»',
  errTimeZoneExample: 'اكتب منطقة زمنية بتسمية IANA، مثل {example}',
  errNoSecret: 'لدى {agent} {key} بلا {secretKey}: كل من يعرف العنوان يستطيع الدخول باسمه (أضف سرًّا عشوائيًا طويلًا، من {command} مثلًا، أو {env} لقراءته من متغيرات البيئة)',
  errShortSecret: '{secretKey} أقصر من {minimum} حرفًا، فيمكن تخمينه (استعمل سرًّا عشوائيًا طويلًا، من {command} مثلًا، أو {env} لقراءته من متغيرات البيئة)',
  errBadMaxOpen: 'يجب أن تكون قيمة {maxOpen} عددًا صحيحًا من 1 فأكثر، لا {value} (مثل {example}: أكثر عدد من المحادثات المفتوحة يعطيه التوزيع التلقائي لهذا الموظف)',
  errManyDesks: 'للفريق «{team}» أكثر من مجموعة عمل: {keys} (يعمل الفريق في مجموعة واحدة؛ أبقِ مفتاحًا واحدًا منها)',
  errNameWithoutLetters: 'اسم الموظف «{name}» بلا حرف ولا رقم (سمِّ الموظفين كما يناديهم زملاؤهم، مثل {example})',
  errTeamFileMissing: 'الملف {teamFile} غير موجود، وفي الخدمة الآن فرق عددها {teams} وموظفون عددهم {agents}: هكذا يبدو الأمر بعد حذف الملف أو نقله، أو انقطاع حفظه قبل أن يكتمل (تبقى آخر نسخة سليمة في الخدمة؛ اكتب الملف من جديد، أو اكتب {noTeams} و{noAgents} لحذف كل الفرق والموظفين)',
  errTeamFileEmptied: 'الملف {teamFile} فارغ، وفي الخدمة الآن فرق عددها {teams} وموظفون عددهم {agents}: هكذا يبدو ملف انقطع حفظه قبل أن يكتمل (تبقى آخر نسخة سليمة في الخدمة؛ اكتب الملف من جديد، أو اكتب {noTeams} و{noAgents} لحذف كل الفرق والموظفين)',
  errWrongItemType: 'يجب أن يكون العنصر رقم\u00a0{item} في «{name}» من نوع {expected}، لا {received}',
  errForExample: 'مثل {example}',
  errListEach: 'اكتب كلًّا منها في سطر خاص تحت {key}، مثل {example}',
  errFileNotMap: 'يجب أن يكون {file} خريطة مفاتيح فيها قائمتان، {teams} و{agents}، لا {received}',
  errSeeShipped: 'انظر الشروح في {file} المرفق مع Switchboard',
  warnNoneTriedAnswer: 'لم تجتز النمطَ «{pattern}» أيُّ إجابة جُرِّبت ({tried} وغيرها): إن لم تجتزه أي إجابة، يُسأل العميل مجددًا مهما كتب حتى {onFail} (جرّب النمط على إجابة قد يكتبها عميل)',
  warnNoneTriedValue: 'لم تجتز النمطَ «{pattern}» أيُّ قيمة جُرِّبت ({tried} وغيرها): إن لم تجتزه أي قيمة، فلن يتحقق هذا الشرط أبدًا (جرّب النمط على قيمة قد يحملها الحقل)',
  warnTakesAnyAnswer: 'يقبل هذا النمط أي إجابة، فلا يُسأل العميل مجددًا أبدًا',
  warnTakesAnyLine: 'يقبل هذا النمط أي إجابة من سطر واحد، فلا يُسأل العميل مجددًا أبدًا؛ أما الإجابة ذات الأسطر العديدة فيرفضها (لا يطابق {dot} فاصل الأسطر)',
  warnAnyAnswerHint: 'لقبول أي إجابة اكتب {text}؛ وللتحقق منها اكتب ما يجب أن تبدو عليه، مثل {example}',
  warnRegexUnexplained: 'العميل الذي يرفض هذا النمطُ إجابتَه لا يُقال له إلا «لا يبدو هذا صحيحًا…»، ولا يعرف منها ماذا يكتب (أضف {example} بإجابة يقبلها النمط، أو {invalid} بكلماتك أنت)',
  warnCutByComment: 'سيقرأ العملاء «{text}» وحده: الباقي، «{cut}»، تعليق في YAML، لأن # بعد مسافة يبدأ تعليقًا (ضع النص كله بين علامتي اقتباس: {quoted})',
  warnEndsUnsaid: 'قد يتجاوز المسار «{flow}» خطوته الأخيرة دون {close} أو {assign}؛ فتُغلق المحادثة حينها، وتبدأ رسالة العميل التالية المسار من جديد (اختمه بخطوة {close} ليقول ذلك، أو بخطوة {assign} ليحيل العميل إلى فريق)',
  warnUnknownAgent: 'تُحيل الخطوة {assign} إلى الموظف «{agent}»، وليس بهذا الاسم في {teamFile}: لا يصل إليه عملاء هذه الخطوة إلا ما دام {teamFile} يصله على عنوان كان له حينها، وإلا انتظروا في قائمة الفريق دون موظف بعينه',
  errAgentsInFile: 'الموظفون في {teamFile}: {names}',
  warnSurveyTakesText: 'يأتي هذا السؤال بعد إغلاق المحادثة، ومع {expectText} يأخذ كل ما يكتبه العميل بعده إجابةً له: فطلب جديد («فاتورتي خاطئة مرة أخرى») يُحفظ هنا ولا تُفتح له محادثة (اسأل عن تقييم مع {number} أو {choice}، حتى تفتح الرسالةُ التي ليست إجابةً محادثةً جديدة؛ وأبقِ {expectText} فقط إن كان أي كلام إجابةً مقبولة هنا)',
  warnSharedTriggerThis: 'لن يعمل المسار «{flow}»: للمسار «{other}» ({otherFile}) المُشغِّل نفسه ({trigger})، ومن مسارين كهذين لا يعمل إلا صاحب الملف الأسبق في ترتيب الأسماء (أعطِ هذا المسار مُشغِّلًا آخر، أو احذف المسار «{other}» أولًا)',
  warnSharedTriggerOther: 'للمسار «{other}» ({otherFile}) المُشغِّل نفسه ({trigger})، فلن يعمل بعد الآن: من مسارين كهذين لا يعمل إلا صاحب الملف الأسبق في ترتيب الأسماء (احذف المسار «{other}» إن كان هذا المسار يحلّ محلّه، أو أعطِ هذا المسار مُشغِّلًا آخر)',
  errNeverMatchesAnswer: 'لا يقبل النمطُ «{pattern}» أيَّ إجابة: {because}؛ فمهما كتب العميل يُسأل مجددًا حتى {onFail}',
  errNeverMatchesValue: 'لا يطابق النمطُ «{pattern}» أيَّ قيمة: {because}؛ فلن يتحقق هذا الشرط أبدًا مهما كانت قيمة الحقل',
  errAnswerPatternHint: 'اكتب بعد {regex} ما يجب أن تبدو عليه الإجابة، مثل {example}',
  errValuePatternHint: 'اكتب ما يجب أن تحتويه القيمة، مثل {example}',
  errNoPatternAfterRegex: 'لا نمط بعد {regex}، فلا يقبل إلا إجابة فارغة، ولا تكون الإجابة فارغة أبدًا: فمهما كتب العميل يُسأل مجددًا حتى {onFail}',
  errExampleRefused: 'لا يطابق المثالُ «{example}» النمطَ «{pattern}»: فالعميل الذي يكتبه يُرفض جوابه (اكتب إجابة يقبلها النمط كما يكتبها العميل)',
  errOnlyEmptyAnswer: 'لا يقبل النمطُ «{pattern}» إلا إجابة فارغة، ولا تكون الإجابة فارغة أبدًا: فمهما كتب العميل يُسأل مجددًا حتى {onFail}',
  errOnlySpaces: 'لا يقبل النمطُ «{pattern}» إلا مسافات، والإجابة تُفحص دون المسافات المحيطة بها: فمهما كتب العميل يُسأل مجددًا حتى {onFail}',
  errEmptyPatternHint: 'اكتب بعد {regex} ما يجب أن تبدو عليه الإجابة، مثل {example}؛ ولقبول أي إجابة اكتب {text}',
  errInvalidPattern: 'تعبير نمطي غير صالح «{pattern}»: {detail}',
  errInvalidPatternHint: 'اسبق محارف مثل {chars} بشرطة مائلة عكسية',
  errUnknownExpect: 'قيمة {expect} غير معروفة: «{name}»',
  errUseExpect: 'استعمل إحدى هذه القيم: {names} أو {regex}',
  errUnknownGotoTarget: 'وجهة {goto} «{target}» ليست معرّف خطوة في هذا الملف',
  errStepIdsHere: 'معرّفات الخطوات هنا: {names}',
  errGiveStepId: 'أعطِ الخطوة المقصودة معرّفًا: {example}',
  errStepIdTwice: 'معرّف الخطوة «{id}» مكرّر (في السطر {line} مثله؛ أعطِ كل خطوة معرّفًا خاصًا بها)',
  errUnknownField: 'حقل غير معروف: «{field}»',
  errUnknownFieldTemplate: 'حقل غير معروف في قالب نص: «{field}»',
  errFieldHint: 'يوجد الحقل متى حفظه مسار بـ {ask} أو {set}، أو استعمل حقلًا مدمجًا مثل {example}',
  errEmptyFile: 'الملف فارغ (يبدأ نص المسار بـ {flow}، ثم {trigger} و{steps})',
  errFlowNotMap: 'نص المسار خريطة تبدأ بـ {flow}، ثم {trigger} و{steps}، لا {received}',
  errStepNotMap: 'الخطوة خريطة فيها مفتاح نوع واحد (مثل {example}، وهو أحد هذه الأنواع: {names})',
  errStepWithoutKind: 'ليس لهذه الخطوة نوع (ابدأها بأحد هذه الأنواع: {names})',
  errStepOfTwoKinds: 'للخطوة نوع واحد، ولهذه الخطوة أكثر من نوع: {kinds} (قسّمها إلى خطوات منفصلة)',
  errBadFlowName: 'يتكوّن اسم المسار من حروف لاتينية وأرقام و{underscore} و{dash}، مثل {example}',
  errBadStepId: 'يتكوّن معرّف الخطوة من حروف وأرقام و{underscore} و{dash} دون مسافات، مثل {example}',
  errBadLanguageTag: 'يجب أن تكون قيمة «{name}» رمز لغة مثل {examples}',
  errLabelNotOneLine: 'التسمية سطر واحد (اكتبها دون فاصل أسطر)',
  errNotText: 'يجب أن تكون قيمة «{name}» نصًا، أو نصًا لكل لغة مثل {example}',
  errBadTimeout: 'قيمة {timeout} مدة مثل {examples} (والرقم وحده ثوانٍ)',
  errBadClose: 'تحتاج {close} إلى {yes} أو إلى ملاحظة إغلاق، مثل {example}',
  errBadTag: 'تحتاج {tag} إلى وسم أو قائمة وسوم، مثل {example}',
  errBadChoice: 'الخيار نص، أو خريطة مثل {example} (ويجوز أن يكون العنوان نصًا لكل لغة)',
  errBadRoute: 'وجهة النية «{name}» اسم فريق، أو {example} لتسمية زرّها',
  errBadSetValue: 'قيمة «{name}» نص أو رقم أو {yes} أو {no} أو {null}',
  errBadCase: 'الحالة إما {ifCase} وإما {elseCase}',
  errAtLeast: 'يجب ألا تقل قيمة «{name}» عن {bound} (مثل {example})',
  errAtMost: 'يجب ألا تزيد قيمة «{name}» على {bound} (مثل {example})',
  errNotWholeNumber: 'يجب أن تكون قيمة «{name}» عددًا صحيحًا بلا كسر (مثل {example})',
  errNotANumber: 'يجب أن تكون قيمة «{name}» رقمًا، لا {nan}',
  errTooLong: 'يجب ألا يزيد طول «{name}» على {maximum} حرفًا',
  errInvalidValue: 'قيمة «{name}» مرفوضة: {detail}',
  errKeyNeedsKey: 'لا يصحّ {name} إلا مع {needs} (أضف {example})',
  errLabelWithoutSave: 'يسمّي {label} الحقل الذي يكتب فيه {save}، وهذا السؤال لا يحفظ شيئًا (أضف {example}، أو احذف {label})',
  errAttachmentTakesNo: 'لا يأخذ {expect} المفتاح {name}: فإجابته {answer} (احذف {key})',
  answerImage: 'صورة',
  answerFile: 'ملف',
  answerLocation: 'موقع يشاركه العميل',
  errAttachmentInBuiltin: 'يحفظ {expect} مرجعًا إلى ما أرسله العميل، ولا مكان له في {field} (احفظه في حقل خاص به، مثل {example})',
  errBadCountry: '«{value}» ليس رمز بلد (استعمل رمزًا من حرفين مثل {examples})',
  errChoiceIdTwice: 'لخيارين المعرّف نفسه «{id}» (أعطِ كل خيار عنوانًا أو معرّفًا مختلفًا)',
  errElseNotLast: 'يجب أن تكون {else} الحالة الأخيرة: فالحالات بعدها لا تُجرَّب أبدًا (انقلها إلى النهاية)',
  errNoAssignStep: '{jump}: لا خطوة {assign} في المسار للانتقال إليها (أضف خطوة {assign}، أو استعمل {goto})',
  errLoopNeverWaits: 'حلقة goto هذه لا تنتظر العميل أبدًا: الأسطر {lines} (ضع خطوة {ask} داخل الحلقة، لتنتظر العميل في كل دورة)',
  errBadCondition: 'الشرط قيمة، أو خريطة فيها عامل واحد (اكتب قيمة، أو أحد هذه العوامل: {names}، مثل {example})',
  errConditionSingle: 'يحتاج {op} إلى قيمة واحدة (لمطابقة أيٍّ من عدة قيم استعمل {example})',
  errConditionList: 'يحتاج {op} إلى قائمة قيم، مثل {example}',
  errConditionPattern: 'يحتاج {op} إلى تعبير نمطي، مثل {example}',
  errConditionKnown: 'يحتاج {op} إلى {yes} أو {no} (يتحقق {known} حين يكون للحقل قيمة، و{unknown} حين لا تكون له)',
  errConditionNumber: 'يحتاج {op} إلى رقم (أو تاريخ بصيغة yyyy-mm-dd)، مثل {example}',
  errUnknownCondition: 'شرط غير معروف: «{name}»',
  errConditionsHere: 'استعمل أحد هذه العوامل: {names}',
  errNotAField: '«{name}» ليس حقلًا (اكتب {contact} أو {conversation}، مثل {example})',
  errFieldNotWritable: 'لا يستطيع المسار الكتابة في «{field}»: يضبطه Switchboard بنفسه',
  errFieldManaged: 'يدير Switchboard الحقل «{field}» بنفسه',
  errFieldReserved: 'الاسم «{field}» تحجزه لغة JavaScript لنفسها: الإجابة المحفوظة فيه تضيع (اختر اسم حقل آخر، مثل {example})',
  errUseTagStep: 'استعمل خطوة {tag}',
  errUseCloseStep: 'استعمل خطوة {close}',
  errCopyWithSet: 'انسخه إلى حقل خاص بك بـ {set}',
  errOwnField: 'احفظ في حقل خاص بك، مثل {example}',
  errOtherFieldName: 'اختر اسم حقل آخر',
  errLabelOfUnsaved: 'يسمّي {fields} الحقل «{field}»، وهذا المسار لا يحفظه',
  errSavedHere: 'الحقول التي يحفظها هذا المسار: {names}',
  errLabelSaved: 'سمِّ الحقول التي يحفظها هذا المسار بـ {ask} أو {set}',
  errLabelTwice: 'للحقل «{field}» تسمية من قبل، في السطر {line} (أعطِ الحقل تسمية واحدة في المسار: يقرؤها الموظفون حيثما ظهر الحقل)',
  warnLabelLacksLanguage: 'لا نص بلغة «{language}» في تسمية الحقل «{field}» مع أن نصوص المسار بها: من يقرأ «{language}» من العملاء والموظفين يرى {label} على البطاقة وفي سطور الموظف (أضف {example})',
  errPlaceholderNotField: '«{placeholder}» لا يسمّي حقلًا (اكتب {contact} أو {conversation}، مع بديل اختياري: {example})',
  errUnbalancedBraces: 'في النص {open} أو {close} دون نظير (أغلق كل {open} بـ {close}: فالعنصر النائب يُكتب هكذا {example})',
  errNotLanguage: '«{tag}» ليس لغة (النص لكل لغة خريطة مثل {example}؛ استعمل رمز لغة مثل {examples})',
  errLanguageTwice: '«{tag}» نص ثانٍ للغة «{language}» (أبقِ واحدًا من الاثنين)',
  errNoTexts: 'لا نص في «{name}»: خريطة اللغات فيه فارغة (اكتب نصًا، أو نصًا لكل لغة مثل {example})',
  errNoFlowLanguageText: 'لا نص بلغة المسار «{language}» في «{name}» (أضف {example}؛ فالعملاء الذين لا نص بلغتهم يرون ذلك النص)',
  errFlowNameTaken: 'اسم المسار «{flow}» مستعمل من قبل في {file} (غيّر اسم أحد المسارين، أو انقل النسخة المحفوظة جانبًا خارج المجلد flows/، فكل ملف ‎.yaml فيه يُحمَّل)',
  errNotUtf8: 'الملف ليس نصًا بترميز UTF-8: في هذا السطر حرف محفوظ بترميز آخر (احفظ الملف بترميز UTF-8)',
  errNotStoredServing: 'تعذّر حفظ هذه النسخة ({detail})؛ وتبقى آخر نسخة سليمة في الخدمة (تأكد أن المخزن في {dataDir} قابل للكتابة، ثم احفظ الملف مرة أخرى)',
  errNotStoredOut: 'تعذّر حفظ هذه النسخة ({detail})؛ والمسار ليس في الخدمة (تأكد أن المخزن في {dataDir} قابل للكتابة، ثم احفظ الملف مرة أخرى)',
  errNameMismatch: 'اسم المسار «{flow}» لكنه يُنشر باسم «{published}»: اكتب {example}',
  notPublished422: 'لم يُنشر: أصلح المشكلات المذكورة أعلاه أولًا. لم يتغيّر شيء.',
  tooLarge: 'حجم المسار {size}، والحد الأقصى للمسار {limit}. اختصره لتتمكّن من نشره.',
  notPublished413: 'لم يُنشر: حجم المسار {size}، والحد الأقصى للمسار {limit}. لم يتغيّر شيء.',
  conflict409: 'سبقك شخص آخر بالنشر: المسار الآن في الإصدار {version}. قارن نصك بنصه ثم انشر مجددًا.',
  flowRemoved409: 'حذف شخص آخر هذا المسار منذ فتحته، فلم يُنشر شيء. انشره مسارًا جديدًا لتعيده بنصك.',
  flowRemovedLive: 'حذف شخص آخر هذا المسار منذ فتحته. انشره مسارًا جديدًا لتعيده بنصك.',
  changedOnDisk: 'تغيّر الملف {file} على القرص منذ فتحته (حُفظ خارج لوحة التحكم): صار في الإصدار {version}. قارن نصك بنص الملف، ثم انشر مجددًا.',
  changedOnDisk409: 'لم يُنشر شيء: تغيّر الملف {file} على القرص منذ فتحته (حُفظ خارج لوحة التحكم)، وصار في الإصدار {version}. قارن نصك بنص الملف، ثم انشر مجددًا.',
  removedOnDisk: 'حُذف الملف {file} من القرص منذ فتحته. انشره مسارًا جديدًا لتعيده بنصك.',
  compareFile: 'قارن بنص الملف',
  publishOverFile: 'انشر فوق الملف',
  loadFile: 'تجاهل نصي وحمّل الملف',
  publishAsNew: 'انشره مسارًا جديدًا',
  teamConflict409: 'سبقك شخص آخر بنشر team.yaml: هو الآن في الإصدار {version}. أعد تحميل الصفحة لتحصل على نصه، ثم طبّق تغييراتك مجددًا.',
  teamRemoved409: 'حذف شخص آخر team.yaml منذ فتحته؛ أعد تحميل الصفحة، ثم طبّق تغييراتك مجددًا.',
  compareTheirs: 'قارن بنصه',
  publishOverTheirs: 'انشر فوق نصه',
  loadTheirs: 'تجاهل نصي وحمّل نصه',
  unsaved: 'تغييرات غير منشورة',
  leaveUnpublished: 'لم تُنشر تغييراتك في المحرر بعد. إن غادرته ضاعت تغييراتك.',
  leaveEditor: 'المغادرة دون نشر',
  stayInEditor: 'البقاء في المحرر',
  deleteFlow: 'حذف المسار',
  confirmDelete: 'حذف المسار {name}؟ سيُحذف ملفه.',
  deleteRefused: 'لم يُحذف: ما زالت {count} محادثة مفتوحة تعمل عليه.',
  versions: 'الإصدارات',
  current: 'الحالي',
  publishedBy: '{when} بواسطة {who}',
  publishedFromFile: '{when}، من الملف على القرص',
  anAdmin: 'مسؤول',
  fileOnDisk: 'الملف على القرص',
  diffWith: 'الإصدار {old} (على اليسار) مقابل الإصدار الحالي {current} (على اليمين)',
  noCurrentVersion: 'الإصدار {old} (على اليمين): ليس للمسار إصدار حالي، فقد حُذف ملفه؛ والرجوع إليه ينشر هذا الإصدار من جديد',
  diffDraft: 'الإصدار الحالي {current} (على اليسار) مقابل نصك (على اليمين)',
  rollBack: 'الرجوع إلى الإصدار {version}',
  confirmRollBack: 'نشر الإصدار {version} مجددًا ليكون الإصدار الحالي؟ تحتفظ المحادثات الجارية بإصدارها.',
  rolledBack: 'تم الرجوع: نُشر الإصدار {version}.',
  rollbackConflict409: 'لم يتم الرجوع: نشر شخص آخر هذا المسار منذ فتحت سجله، وهو الآن في الإصدار {version} (الحالي في القائمة). قارن مجددًا، ثم ارجع إن كنت ما زلت تريد ذلك.',
  rollbackRemoved409: 'لم يتم الرجوع: حذف شخص آخر هذا المسار منذ فتحت سجله.',
  rollbackChangedOnDisk409: 'لم يتم الرجوع: تغيّر الملف {file} على القرص منذ فتحت سجله (حُفظ خارج لوحة التحكم)، وصار في الإصدار {version} (الحالي في القائمة). قارنه بما كان فيه، ثم ارجع فوقه إن كنت ما زلت تريد ذلك.',
  rollBackOverFile: 'ارجع إلى الإصدار {version} فوق الملف',
  keepFile: 'تجاهل الرجوع وأبقِ الملف',
  diskChange: 'ما تغيّر على القرص: الإصدار {was} (على اليسار) مقابل الملف الآن، الإصدار {version} (على اليمين)',
  pickVersion: 'اختر إصدارًا لمقارنته بالإصدار الحالي.',
  backToList: 'كل المسارات',
  contactsTitle: 'جهات الاتصال',
  searchContacts: 'الاسم أو الهاتف أو البريد…',
  noContacts: 'لا توجد جهة اتصال مطابقة.',
  name: 'الاسم',
  identities: 'العناوين',
  tags: 'الوسوم',
  conversations: 'المحادثات',
  save: 'حفظ',
  saved: 'تم الحفظ.',
  contactChangedSince: 'لم يُحفظ شيء: غيّر شخص آخر جهة الاتصال هذه منذ فتحتها ({changed}). ما زالت تعديلاتك في النموذج: احفظها مرة أخرى لتحلّ محل تعديله، أو حمّل تعديله بدلًا منها.',
  contactNow: 'أصبح {field} الآن {value}',
  contactRemovedNow: 'حُذف {field} الآن',
  contactLoadTheirs: 'تجاهل تعديلاتي وحمّل تعديله',
  addField: 'إضافة حقل',
  fieldKey: 'الحقل',
  fieldValue: 'القيمة',
  fieldNameBad: 'لا يمكن حفظ اسم الحقل «{field}»: يتكوّن اسم الحقل من حروف لاتينية وأرقام و«_»، ولا يبدأ برقم (مثل email أو order_id).',
  fieldNameTwice: 'يوجد حقلان باسم «{field}»: غيّر اسم أحدهما أو احذفه.',
  fieldNameReserved: 'لا تستطيع مسارات المحادثة قراءة حقل باسم «{field}» (تحجز لغة JavaScript هذا الاسم لنفسها): غيّر اسمه أو احذفه.',
  remove: 'إزالة',
  erase: 'محو جهة الاتصال',
  eraseWarning: 'محو {name} وكل محادثاته ورسائله وملفاته؟ لا يمكن التراجع عن ذلك (طلب حماية بيانات).',
  eraseConfirm: 'المحو نهائيًا',
  cancel: 'إلغاء',
  erased: 'تم المحو: {conversations} محادثة و{messages} رسالة و{files} ملف.',
  created: 'أُنشئت',
  teamTitle: 'الفريق',
  agents: 'الموظفون',
  online: 'متصل',
  away: 'غير متاح',
  offlineStatus: 'غير متصل',
  load: 'المفتوحة / الحد',
  statusSince: 'في هذه الحالة منذ',
  awayNoConsole: 'جعله النظام «غير متاح»: مرّت {span} دون أن تكون لوحته مفتوحة.',
  awayNoConsoleUntimed: 'جعله النظام «غير متاح»: لم تكن لوحته مفتوحة.',
  awayByAgent: 'جعل نفسه «غير متاح».',
  unreachableOn: 'لا يصله شيء على {channel} منذ {since}: {why}. لا يُرسَل إليه شيء هناك حتى يكتب منه من جديد.',
  agentBlocked: 'حظر البوت',
  agentNoChat: 'لم تعد دردشته موجودة (ربما حُذف حسابه)',
  agentCannotReceive: 'لا يستطيع تطبيقه استلام الرسائل (ربما لا يستخدم رقمُه التطبيق)',
  agentUnavailable: 'أوقف رسائل الشركة أو حظرها',
  agentWriteFirst: 'لا يقبل تطبيقه شيئًا من البوت حتى يكتب إليه',
  teams: 'الفرق',
  teamFile: 'team.yaml',
  seatedOne: 'أصبح عميل منتظر واحد مع موظف.',
  seated: 'أصبح {count} من العملاء المنتظرين مع موظف.',
  seatingLeft: 'بعض العملاء المنتظرين الذين أُتيحت لهم السعة الجديدة ليسوا مع موظف بعد: يواصل النظام إسنادهم، ويعيد المحاولة في فحصه الدوري التالي.',
  noAgents: 'لا يوجد موظفون في team.yaml بعد.',
  reportsTitle: 'التقارير',
  from: 'من',
  to: 'إلى',
  apply: 'عرض',
  downloadCsv: 'تنزيل CSV',
  opened: 'فُتحت',
  closedCount: 'أُغلقت',
  assignedCount: 'أُسندت إلى موظف',
  stillOpen: 'ما زالت مفتوحة',
  firstResponse: 'أول رد (الوسيط)',
  resolution: 'مدة الحل (الوسيط)',
  resolvedCount: 'من {n} أغلقها موظف أو مشرف',
  answeredCount: 'من {n} ردّ عليها شخص',
  openAtEnd: 'كانت مفتوحة عند نهاية {day}، نهاية الفترة',
  periodExplained: 'هذه هي المحادثات التي فُتحت في الفترة، كلٌّ منها في يوم فتحها (بتوقيتك): تُحسب هنا المحادثة التي أُغلقت بعد الفترة مع أوقاتها، ولا تُحسب التي فُتحت قبلها.',
  timesExplained: 'يُحسب الوقتان من لحظة فتح محادثة العميل، فأسئلة البوت والانتظار في الطابور جزء منهما. أول رد: حتى وصول أول كلمات من شخص إلى العميل (لا تُحسب ردود البوت، ولا رد تعذّر إرساله). مدة الحل: حتى أغلقها موظف أو مشرف.',
  perAgentExplained: 'تُحسب المحادثة للموظف الذي يتولاها أو تولاها آخرًا، ويُحسب أول رد فيها للموظف الذي أرسله وإن حوّلها بعد ذلك. حُوّلت: عدد المرات التي انتقلت فيها محادثات الموظف إلى غيره (بتحويل منه أو من مشرف، أو تلقائيًا لغيابه أو لترك العميل بلا رد)، وبين القوسين ما حوّله مشرف منها.',
  perTeamExplained: 'تُحسب المحادثة للفريق الذي انتهت عنده وحلّها، ويُحسب أول رد فيها للفريق الذي كانت عنده حين أُرسل وإن حُوّلت بعد ذلك. حُوّلت: عدد المرات التي انتقلت فيها محادثات الفريق من أحد موظفيه أو من قائمة انتظاره (أسندها مشرف إلى موظف أو فريق آخر، أو لم يبقَ في team.yaml من يتولاها)، وبين القوسين ما حوّله مشرف منها.',
  handOvers: 'حُوّلت',
  passedOnByAdmin: '{n} منها بيد مشرف',
  notResolved: 'لا تشمل مدة الحل {bot} أغلقها البوت (إغلاق في مسار) أو غادرها العميل، و{auto} أُغلقت لعدم النشاط.',
  conversationsByTeam: 'المحادثات حسب الفريق',
  byTeamByDayExplained: 'لكل فريق في يوم تسلّمها: المحادثة المحوّلة إلى فريق آخر تُحسب لذلك الفريق أيضًا، في يوم تحويلها.',
  firstResponseByDay: 'أول رد، الوسيط ({unit})',
  resolutionByDay: 'مدة الحل، الوسيط ({unit})',
  inSeconds: 'بالثواني',
  inMinutes: 'بالدقائق',
  inHours: 'بالساعات',
  intents: 'النوايا',
  waitingNow: 'في الانتظار الآن',
  longestWait: 'الأطول {time}',
  noData: 'لا توجد بيانات في هذه الفترة.',
  chartsFrom: 'ترسم الرسوم البيانية آخر {count} يومًا من الفترة، من {day}؛ أما الأرقام والجداول أعلاه وأدناه فتحسب الفترة كلها، وفي ملف CSV صف لكل يوم منها.',
  perTeam: 'حسب الفريق',
  perAgent: 'حسب الموظف',
  nlpTitle: 'النوايا',
  trySentence: 'جرّب جملة',
  try: 'جرّب',
  retrain: 'إعادة التدريب',
  retraining: 'جارٍ إعادة التدريب بالأمثلة الحالية…',
  noIntent: 'لا نية (خارج النطاق)',
  tryTwoNeeds: 'طلبان لفريقين: يوجّه البوت هذه الرسالة بالطلب الأول، ويقرأ موظفه الطلب الثاني على البطاقة («طلب آخر في الرسالة نفسها»)، لا بنية النص كله أعلاه.',
  tryRouted: 'يُوجَّه',
  tryAlsoAsked: 'طلب آخر في الرسالة نفسها',
  confidence: 'الثقة',
  evalTitle: 'مدى نجاح الأمثلة في تعليم البوت',
  evalHelp: 'بعد كل تدريب، يُصنَّف كل مثال بنموذج دُرِّب من دونه (تحقق متقاطع من {folds} أجزاء). حُسبت في {when}.',
  evalPending: 'تُحسب الآن أرقام النموذج الذي في الخدمة، وتظهر هنا فور جاهزيتها.',
  evalTraining: 'يُدرَّب الآن نموذج على هذه الأمثلة؛ تُحسب أرقامه بعد ذلك وتظهر هنا فور جاهزيتها.',
  evalTrainingPreviousFigures: 'يُدرَّب الآن نموذج على الأمثلة كما هي الآن: هذه أرقام النموذج الذي في الخدمة، المدرَّب قبل ذلك؛ وتظهر الأرقام الجديدة هنا فور جاهزيتها.',
  evalTrainingFailed: 'لا أرقام: فشل التدريب الأخير (يذكر سجل البوت السبب). أعد التدريب للمحاولة مجددًا.',
  evalCouldNotCompute: 'لا أرقام: النموذج في الخدمة، لكن تعذّر حساب أرقامه (يذكر سجل البوت السبب). أعد التدريب للمحاولة مجددًا.',
  evalFailedPreviousFigures: 'فشل التدريب الأخير (يذكر سجل البوت السبب): هذه أرقام النموذج المدرَّب قبله، وهو ما زال في الخدمة. أعد التدريب للمحاولة مجددًا.',
  evalSkipped: 'لا أرقام: يحتاج التحقق المتقاطع إلى نيتين على الأقل، لكل منهما مثالان على الأقل.',
  evalNoData: 'لا توجد أمثلة تدريب بعد: تظهر الأرقام مع أولها. اكتبها في ملفات {path}، أو «علّم نيتها» في محادثة.',
  evalNoModel: 'لا أرقام: لا يوجد نموذج في الخدمة ما دامت بيانات التدريب مرفوضة.',
  evalRefused: 'لا أرقام: بيانات التدريب مرفوضة، فلا يُدرَّب أي نموذج حتى يُصلَح الملف؛ وتُحسب أرقام النموذج الجديد بعد ذلك التدريب.',
  evalOfPreviousModel: 'هذه أرقام النموذج المدرَّب قبل التغيير المرفوض، وهو ما زال في الخدمة. لا يُدرَّب أي نموذج حتى يُصلَح الملف؛ وتُحسب أرقام النموذج الجديد بعد ذلك التدريب.',
  nlpRefused: 'بيانات التدريب مرفوضة: لا يتعلم البوت من الملفات كما هي الآن. أصلح ما يلي، فيُعاد التدريب:',
  nlpPreviousModel: 'النموذج المدرَّب سابقًا ما زال في الخدمة: تُعرف النوايا كما كانت تُعرف قبل هذا التغيير.',
  nlpNoModel: 'لا يوجد نموذج في الخدمة: لا يتعرّف البوت على أي نية حتى يُصلَح الملف.',
  nlpUnlisted: 'لا يمكن عرض أمثلة {file} حتى يُصلَح هذا الملف.',
  nlpFewExamples: 'أمثلة النية {intent} قليلة ({count})؛ أعطها {min} أمثلة على الأقل (الأفضل من 10 إلى 30).',
  nlpMissingLanguage: 'ليس للنية {intent} أمثلة ب{language}، بخلاف {others}: الرسائل ب{language} المقصودة بها ستذهب إلى غيرها أو يُطرح عليها سؤال التوضيح؛ أضف بعضها.',
  nlpAndMore: '{names} و{count} غيرها',
  nlpNearDuplicate: '«{text}» ({intent}) يكاد يطابق «{twin}» ({twinIntent}، {at}): لا يستطيع النموذج التمييز بينهما؛ احتفظ بأحدهما أو أعد صياغتهما ليختلفا.',
  evalAccuracy: 'النية الصحيحة',
  evalConfident: 'صحيحة وبثقة (≥ {threshold}٪)',
  evalBackground: 'الأحاديث العامة المرفوضة (أقل من {threshold}٪)',
  evalConfused: 'الأكثر التباسًا',
  evalTakenFor: 'أُخذت على أنها',
  evalNoConfusion: 'لم يُخلط أي مثال بنية أخرى.',
  intentAccuracy: 'الدقة',
  examples: 'الأمثلة',
  languages: 'اللغات',
  teach: 'علّم نيتها',
  addExample: 'أضفها مثالًا',
  exampleAdded: 'أُضيفت مثالًا على {intent}؛ يُعاد تدريب النموذج.',
  exampleOfAnother: 'الجملة «{text}» مثال على النية «{intent}» من قبل ({at})؛ المثال ينتمي إلى نية واحدة',
  exampleDataRefused: 'بيانات التدريب مرفوضة، فلم يُضَف شيء: {file}، السطر\u00a0{line}، العمود\u00a0{column}: {reason}؛ أصلح ذلك أولًا.',
  whatsappTitle: 'ربط واتساب',
  whatsappHelp: 'على هاتف النشاط التجاري: واتساب ← الأجهزة المرتبطة ← ربط جهاز، ثم امسح الرمز.',
  whatsappLinked: 'واتساب مرتبط.',
  pairingCode: 'رمز الربط: {code}',
  qrCode: 'رمز QR للمسح من واتساب',
  channelWebchat: 'دردشة الموقع',
  cmFind: 'بحث',
  cmReplace: 'استبدال بـ',
  cmNext: 'التالي',
  cmPrevious: 'السابق',
  cmAll: 'الكل',
  cmMatchCase: 'مطابقة حالة الأحرف',
  cmRegexp: 'تعبير نمطي',
  cmByWord: 'كلمات كاملة',
  cmReplaceOne: 'استبدال',
  cmReplaceAll: 'استبدال الكل',
  cmClose: 'إغلاق',
  cmGoToLine: 'الانتقال إلى السطر',
  cmGo: 'انتقال',
  cmCurrentMatch: 'التطابق الحالي',
  cmOnLine: 'في السطر',
  cmReplacedMatches: 'التطابقات المستبدلة: $',
  cmReplacedOnLine: 'استُبدل التطابق في السطر $',
  cmFoldLine: 'طيّ السطر',
  cmUnfoldLine: 'فتح السطر المطوي',
  cmFoldedCode: 'نص مطوي',
  cmFoldedLines: 'طُويت الأسطر',
  cmUnfoldedLines: 'فُتحت الأسطر',
  cmUnfold: 'فتح',
  cmTo: 'إلى',
  cmDiagnostics: 'المشكلات',
  cmNoDiagnostics: 'لا توجد مشكلات',
  cmControlCharacter: 'محرف تحكم',
  cmUnchangedLines: 'أسطر بلا تغيير: $',
  cmAccept: 'قبول',
  cmReject: 'رفض',
  cmRevertChunk: 'التراجع عن هذا الجزء',
  cmCompletions: 'الإكمالات',
  cmSelectionDeleted: 'حُذف التحديد',
  error: 'حدث خطأ: {message}',
  notFound: 'غير موجود.',
  notFoundBecause: 'غير موجود: {reason}.',
  retry: 'إعادة المحاولة',
  serverUnavailable: 'يتعذّر على Switchboard تنفيذ هذا الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه)؛ لم يُنفَّذ شيء. أعد المحاولة {when}.',
  serverFailed: 'تعذّر على الخادم تنفيذ هذا (يذكر سجلّه السبب). أعد المحاولة.',
  serverNoRoute: 'لا يعرف الخادم هذا الطلب: أعد تحميل الصفحة (ربما حُدِّث الخادم).',
  serverRefused: 'لم يقبل الخادم هذا الطلب: {reason}',
  serverTooLarge: 'هذا أكبر مما يقبله الخادم دفعة واحدة (الحد الأقصى {max}).',
  seconds: '{n} ث',
  minutes: '{n} د',
  hours: '{n} س {m} د',
  days: '{n} ي {h} س',
};

export type Lang = 'en' | 'ar';
const STRINGS: Record<Lang, Record<StringKey, string>> = { en, ar };
const STORAGE_KEY = 'switchboard.admin.lang';

/**
 * Every word of one language, for the test that holds the tables to each other.
 *
 *     stringsIn('ar').signOut; // "تسجيل الخروج"
 */
export function stringsIn(language: Lang): Readonly<Record<StringKey, string>> {
  return STRINGS[language];
}

let current: Lang = readStoredLang();
const listeners = new Set<() => void>();

function readStoredLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'ar' || stored === 'en') return stored;
  } catch {
    // Storage may be off (private mode): the browser's language decides.
  }
  // Outside a browser (the API client used from Node, in tests), English.
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

/** Sets `<html lang dir>` from the current language. */
export function applyLang(): void {
  document.documentElement.lang = current;
  document.documentElement.dir = current === 'ar' ? 'rtl' : 'ltr';
  document.title = t('pageTitle');
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Kept for this page only.
  }
  applyLang();
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The string `key` in the current language, with `{name}` placeholders filled.
 *
 *     t('published', { version: 4 }); // "Published version 4."
 */
export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  return STRINGS[current][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A duration in seconds as people read it: "45 s", "12 min", "3 h 5 min", to the nearest of the last unit it says, as
 * a chart in that unit draws it: a median of 1 min 59 s is "2 min" beside a bar at 1.98 (it was cut down to "1 min").
 *
 *     duration(119); // "2 min"
 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('seconds', { n: s });
  const minutes = Math.round(s / 60);
  if (minutes < 60) return t('minutes', { n: minutes });
  if (minutes < 1440) return t('hours', { n: Math.floor(minutes / 60), m: minutes % 60 });
  const hours = Math.round(s / 3600);
  return t('days', { n: Math.floor(hours / 24), h: hours % 24 });
}

/**
 * A span of time in the admin's language, in whole minutes from a minute on, else in seconds, as the agent console
 * says CONSOLE_AWAY_AFTER.
 *
 *     span(120_000); // "2 minutes"; "دقيقتان" in Arabic
 */
export function span(ms: number): string {
  const [value, unit] = ms >= 60_000 ? [Math.round(ms / 60_000), 'minute'] : [Math.max(1, Math.round(ms / 1_000)), 'second'];
  return new Intl.NumberFormat(current === 'ar' ? 'ar' : 'en', { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/**
 * Two sizes in bytes as people read them in the page's language ("293 KB", "256 KB"), to the byte where the rounded
 * ones would read the same.
 *
 *     sizes(300_012, 262_144); // ["293 kB", "256 kB"]
 */
export function sizes(a: number, b: number): [string, string] {
  const locale = current === 'ar' ? 'ar' : 'en';
  const exact = (bytes: number) => new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
  return size(a) === size(b) ? [exact(a), exact(b)] : [size(a), size(b)];
}

/** A size in bytes as people read it in the page's language: "256 kB", "2 MB". */
function size(bytes: number): string {
  const locale = current === 'ar' ? 'ar' : 'en';
  return bytes >= 1024 * 1024
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / (1024 * 1024))
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(bytes / 1024);
}

/**
 * An answer of the server itself (whatever the route: see src/shared/refusals.ts) in the admin's words, by its `kind`:
 * Switchboard starting or out of its store with the wait it asks for (`retryAfter`, seconds), a failure, no such
 * route, a request it does not take (its English reason quoted), one over its size; the admin API off. Undefined for
 * an answer of another kind or none: the page says the route's own sentence then.
 *
 *     serverWords({ kind: 'unavailable' }, 5); // "يتعذّر على Switchboard تنفيذ هذا الآن (…)؛ لم يُنفَّذ شيء. أعد المحاولة بعد 5 ثوانٍ." in Arabic
 */
export function serverWords(answer: { kind?: string; error?: string; maxBytes?: number }, retryAfter: number | undefined): string | undefined {
  switch (answer.kind) {
    case 'unavailable': {
      return t('serverUnavailable', { when: inWait(retryAfter ?? 5) });
    }
    case 'internal': return t('serverFailed');
    case 'notFound': return t('serverNoRoute');
    case 'badRequest': return answer.error ? t('serverRefused', { reason: current === 'ar' ? isolate(answer.error) : answer.error }) : undefined;
    case 'tooLarge': return answer.maxBytes !== undefined ? t('serverTooLarge', { max: size(answer.maxBytes) }) : undefined;
    case 'adminOff': return t('apiOff');
    default: return undefined;
  }
}

/** A wait in the admin's language, as the web chat page says it: "in 5 s", "in 2 min" ("بعد 5 ثوانٍ" in Arabic). */
export function inWait(seconds: number): string {
  const s = Math.max(1, seconds);
  return s < 60 ? WORDS[current].inSeconds(s) : WORDS[current].inMinutes(Math.ceil(s / 60));
}

/** The arrow of a link back, pointing the way the page reads. */
export function back(): string {
  return current === 'ar' ? '→' : '←';
}

/** A date and time in the admin's language. */
export function when(iso: string | undefined): string {
  if (!iso) return t('none');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(current === 'ar' ? 'ar' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A day of the reports (`2026-12-05`, a UTC day as the API and the CSV count them) in the admin's language: short on
 * a chart's axis ("Dec 5", "5 ديسمبر"), whole in its tooltip and the range's fields ("Dec 5, 2026", "5 ديسمبر 2026").
 *
 *     reportDay('2026-12-05', 'short'); // "5 ديسمبر" in Arabic
 */
export function reportDay(iso: string, length: 'short' | 'whole'): string {
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  // The month by its name, not dateStyle: an Arabic medium date is all figures (2026/12/05).
  return new Intl.DateTimeFormat(current === 'ar' ? 'ar' : 'en', { day: 'numeric', month: 'short', ...(length === 'whole' ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(date);
}

/** Channels whose name is a product's stay as the product names itself; the web chat is said in the admin's words. */
const CHANNELS: Record<string, string | StringKey> = {
  webchat: 'channelWebchat',
  telegram: 'Telegram',
  'whatsapp-cloud': 'WhatsApp',
  'whatsapp-web': 'WhatsApp Web',
  messenger: 'Messenger',
  instagram: 'Instagram',
  botframework: 'Bot Framework',
  msteams: 'Teams',
};

/**
 * A channel as the admin reads it: "Web chat" ("دردشة الموقع") for `webchat`, "WhatsApp" for `whatsapp-cloud`; a
 * channel this dashboard does not know, as the server names it.
 *
 *     channelName('webchat'); // "دردشة الموقع" in Arabic
 */
export function channelName(channel: string): string {
  const name = CHANNELS[channel];
  if (name === undefined) return channel;
  return name in en ? t(name as StringKey) : name;
}

/**
 * Language codes (`ar`, `en`) as the admin reads them, in their language and joined as it joins a list.
 *
 *     languageNames(['ar', 'en']); // "العربية والإنجليزية" in Arabic, "Arabic and English" in English
 */
export function languageNames(codes: readonly string[]): string {
  const names = new Intl.DisplayNames([current], { type: 'language' });
  const named = codes.map((code) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  });
  return new Intl.ListFormat(current, { type: 'conjunction' }).format(named);
}

/**
 * What the dashboard calls a contact: its name, else "Unnamed contact" and the start of its id (`contactTag`), so that
 * two nameless contacts (Messenger profiles Meta did not hand over) are told apart, by the tag agents read too.
 *
 *     contactName({ id: '3f9a2c61-…' }); // 'Unnamed contact 3f9a'
 */
export function contactName(contact: { id: string; name?: string }): string {
  return contact.name || t('unnamed', { tag: contactTag(contact) });
}

/**
 * A name or text someone gave (an agent, a team, a flow, an admin), to set inside a sentence of the page: isolated in
 * Arabic, where a Latin name would carry the punctuation beside it to the wrong side, and in English when it is
 * written right to left; so it reads as given, and the sentence as written.
 *
 *     t('confirmDelete', { name: named('billing-faq') });
 */
export function named(text: string): string {
  return current === 'ar' ? isolate(text) : isolateRtl(text);
}

/**
 * Names someone gave (teams, agents) as a list in the admin's language, each isolated as `named` does.
 *
 *     names(['Billing', 'Support']); // "Billing، Support" in Arabic
 */
export function names(list: readonly string[]): string {
  return list.map(named).join(current === 'ar' ? '، ' : ', ');
}

/**
 * The code editor's own words (its search panel, folds, lint panel, diff) in the admin's language, as CodeMirror's
 * `EditorState.phrases` takes them: each English phrase it asks for, with the page's words for it.
 *
 *     EditorState.phrases.of(editorPhrases()); // { Find: 'بحث', … } in Arabic
 */
export function editorPhrases(): Record<string, string> {
  const keys = (Object.keys(en) as StringKey[]).filter((key) => key.startsWith('cm'));
  return Object.fromEntries(keys.map((key) => [en[key], STRINGS[current][key]]));
}

/** A piece of a sentence of the page: its own words, what a file says as written (a key, an intent: code), or English words it quotes. */
export type Piece = string | { code: string } | { english: string };

/** `key`'s words with pieces in their places: as `t`, but what is put in stays apart from the words around it. */
function pieces(key: StringKey, params: Record<string, Piece | Piece[]>): Piece[] {
  const text = STRINGS[current][key];
  const out: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    out.push(text.slice(last, match.index));
    const value = params[match[1]!];
    out.push(...(value === undefined ? [match[0]] : Array.isArray(value) ? value : [value]));
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((piece) => piece !== '');
}

/** A value's type as YAML shows it (`wrongType`), in the page's words. */
const YAML_TYPES: Record<YamlType, StringKey> = {
  string: 'yamlString', number: 'yamlNumber', integer: 'yamlInteger', boolean: 'yamlBoolean',
  array: 'yamlArray', object: 'yamlObject', null: 'yamlNull', undefined: 'yamlNull', other: 'yamlOther',
};

/**
 * Why a file is refused, in the admin's language, for the errors the server names a kind of (`known`); undefined for
 * the others, and in English, where the server's own sentence (the log's) says it best: the page shows it as written.
 * What the file says (keys, intents, examples) stays as written, as code; the YAML parser's own words stay English.
 * The English `err…` words are what the Arabic ones translate.
 *
 *     fileReason({ kind: 'unknownStepKind', name: 'sya', suggestion: 'say', allowed }); // ['نوع خطوة غير معروف: «', { code: 'sya' }, '» (هل تقصد «', { code: 'say' }, '»؟)']
 */
export function fileReason(known: KnownFileError | undefined): Piece[] | undefined {
  if (!known || current === 'en') return undefined;
  const code = (text: string): Piece => ({ code: text });
  const withHint = (reason: Piece[], hint: Piece[] | undefined): Piece[] => (hint ? [...reason, ' (', ...hint, ')'] : reason);
  const list = (items: string[]): Piece[] => items.flatMap((item, i) => (i === 0 ? [code(item)] : [current === 'ar' ? '، ' : ', ', code(item)]));
  // An agent of team.yaml: by name, else by position.
  const agent = (who: string | number): Piece[] => (typeof who === 'number' ? pieces('errAgentNumber', { number: String(who) }) : pieces('errAgentNamed', { name: code(who) }));
  const suggestion = (suggested: string | undefined, allowed: string[], key: 'errUseOneOf' | 'errAllowedHere') =>
    suggested !== undefined ? pieces('errDidYouMean', { name: code(suggested) }) : allowed.length > 0 ? pieces(key, { names: list(allowed) }) : undefined;
  switch (known.kind) {
    // The parser's reason and its hint together: one English sentence, which a line break does not reorder.
    case 'yamlSyntax': return known.hint !== undefined
      ? pieces('errYamlSyntax', { detail: { english: `${known.detail} (${known.hint})` } })
      : withHint(pieces('errYamlSyntax', { detail: { english: known.detail } }), pieces('errYamlHint', {}));
    case 'unclosedQuote': return pieces('errUnclosedQuote', { quote: code(known.quote) });
    case 'controlCharacter': return known.escaped
      ? pieces('errEscapedControl', { character: code(known.character), newline: code('\\n'), tab: code('\\t') })
      : pieces('errControlCharacter', { character: code(known.character) });
    case 'yamlTag': return pieces('errYamlTag', { tag: code(known.tag), bang: code('!'), example: code(`"${known.tag} …"`) });
    case 'yamlAliasLimit': return pieces('errYamlAliasLimit', { alias: code('*name'), anchor: code('&name'), limit: String(known.limit) });
    case 'yamlAlias': return known.key !== undefined
      ? pieces('errYamlKeyAnchor', { alias: code(known.alias), key: code(known.key), repeat: code(`*${known.alias.slice(1)}`) })
      : pieces(known.alias.startsWith('&') ? 'errYamlAnchor' : 'errYamlAlias', { alias: code(known.alias), sign: code(known.alias[0] ?? '*'), example: code(`"${known.alias} …"`) });
    case 'unknownStepKind': return withHint(pieces('errUnknownStepKind', { name: code(known.name) }), suggestion(known.suggestion, known.allowed, 'errUseOneOf'));
    case 'unknownKey': return withHint(pieces('errUnknownKey', { name: code(known.name) }), suggestion(known.suggestion, known.allowed, 'errAllowedHere'));
    case 'missingKey': return pieces('errMissingKey', { name: code(known.name) });
    case 'noExamples': return pieces('errNoExamples', { intent: code(known.intent) });
    case 'writtenTwice': return pieces('errWrittenTwice', { name: code(known.name) });
    case 'exampleOfTwo': return pieces('errExampleOfTwo', { example: code(known.example), first: code(known.first), second: code(known.second), at: code(known.at) });
    case 'teamStillRouted': return pieces(known.intent === undefined ? 'errTeamStillRouted' : 'errTeamStillRoutedIntent', {
      file: code(known.file), line: String(known.line), column: String(known.column), team: code(known.team), intent: code(known.intent ?? ''),
      assign: code('assign'), teamFile: code('team.yaml'),
    });
    case 'wrongType': return withHint(
      pieces('errWrongType', { name: code(known.name), expected: pieces(YAML_TYPES[known.expected], {}), received: pieces(YAML_TYPES[known.received], {}) }),
      known.example === undefined ? undefined : pieces('errListEach', { key: code(`${known.name}:`), example: code(known.example) }),
    );
    case 'wrongItemType': return withHint(
      pieces('errWrongItemType', { name: code(known.name), item: String(known.item), expected: pieces(YAML_TYPES[known.expected], {}), received: pieces(YAML_TYPES[known.received], {}) }),
      known.example === undefined ? undefined : pieces('errForExample', { example: code(known.example) }),
    );
    case 'fileNotMap': return withHint(
      pieces('errFileNotMap', { file: code('team.yaml'), teams: code('teams:'), agents: code('agents:'), received: pieces(YAML_TYPES[known.received], {}) }),
      pieces('errSeeShipped', { file: code('data/team.yaml') }),
    );
    case 'notOneOf': return withHint(pieces('errNotOneOf', { name: code(known.name), names: list(known.allowed) }), known.suggestion === undefined ? undefined : pieces('errDidYouMean', { name: code(known.suggestion) }));
    case 'empty': return pieces('errEmpty', { name: code(known.name) });
    case 'emptyItem': return pieces('errEmptyItem', { name: code(known.name), item: String(known.item) });
    case 'unknownTeam': return withHint(
      pieces(known.intent === undefined ? 'errUnknownTeam' : 'errUnknownTeamIntent', { assign: code('assign'), intent: code(known.intent ?? ''), team: code(known.team), teamFile: code('team.yaml') }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) }) : pieces('errTeamsInFile', { teamFile: code('team.yaml'), names: list(known.teams) }),
    );
    case 'agentInUnknownTeam': return withHint(
      pieces('errAgentInUnknownTeam', { agent: agent(known.agent), team: code(known.team) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) })
        : known.teams.length > 0 ? pieces('errTeamsHere', { names: list(known.teams) })
        : pieces('errAddTeamFirst', { teams: code('teams:'), example: code(`- name: ${known.team}`) }),
    );
    case 'namedTwice': return pieces(known.what === 'team' ? 'errTeamNamedTwice' : 'errAgentNamedTwice', { name: code(known.name), line: String(known.firstLine) });
    case 'addressTaken': return pieces('errAddressTaken', { key: code(known.key), address: code(known.address), owner: agent(known.owner), line: String(known.line) });
    case 'noAddress': return pieces('errNoAddress', { agent: agent(known.agent), keys: list(known.keys), example: code(known.example) });
    case 'badAddress': return pieces('errBadAddress', { key: code(known.key), address: code(known.address), example: code(known.example) });
    case 'noSecret': return pieces('errNoSecret', { agent: agent(known.agent), key: code(known.key), secretKey: code(known.secretKey), command: code('openssl rand -hex 24'), env: code('env:NAME') });
    case 'shortSecret': return pieces('errShortSecret', { secretKey: code(known.secretKey), minimum: String(known.minimum), command: code('openssl rand -hex 24'), env: code('env:NAME') });
    case 'badTimeZone': return withHint(
      known.agent !== undefined || known.team !== undefined
        ? pieces('errBadTimeZone', { whose: known.agent !== undefined ? agent(known.agent) : pieces('errTeamNamed', { name: code(known.team ?? '') }), key: code('timezone'), zone: code(known.zone) })
        : pieces('errBadFileTimeZone', { key: code('timezone'), zone: code(known.zone) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) }) : pieces('errTimeZoneExample', { example: code('Asia/Riyadh') }),
    );
    case 'badMaxOpen': return pieces('errBadMaxOpen', { maxOpen: code('max_open'), value: code(known.value), example: code('max_open: 3') });
    case 'manyDesks': return pieces('errManyDesks', { team: code(known.team), keys: list(known.keys) });
    case 'nameWithoutLetters': return pieces('errNameWithoutLetters', { name: code(known.name), example: code('name: Omar') });
    case 'teamFileEmptied': return pieces(known.missing ? 'errTeamFileMissing' : 'errTeamFileEmptied', { teamFile: code('team.yaml'), teams: String(known.teams), agents: String(known.agents), noTeams: code('teams: []'), noAgents: code('agents: []') });
    case 'noneTriedPasses': return pieces(known.of === 'answer' ? 'warnNoneTriedAnswer' : 'warnNoneTriedValue', { pattern: code(known.pattern), tried: list(known.tried), onFail: code('on_fail') });
    case 'takesAnyAnswer': return withHint(
      known.oneLine ? pieces('warnTakesAnyLine', { dot: code('.') }) : pieces('warnTakesAnyAnswer', {}),
      pieces('warnAnyAnswerHint', { text: code('expect: text'), example: code('regex:ORD-\\d{4}') }),
    );
    case 'cutByComment': return pieces('warnCutByComment', { text: code(known.text), cut: code(`#${known.cut}`), quoted: code(`"${known.text} #${known.cut}"`) });
    case 'endsUnsaid': return pieces('warnEndsUnsaid', { flow: code(known.flow), close: code('close'), assign: code('assign') });
    case 'regexUnexplained': return pieces('warnRegexUnexplained', { example: code('example: ORD-1234'), invalid: code('invalid:') });
    case 'unknownAgent': return withHint(
      pieces('warnUnknownAgent', { assign: code('assign'), agent: code(known.agent), teamFile: code('team.yaml') }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) }) : pieces('errAgentsInFile', { teamFile: code('team.yaml'), names: list(known.agents) }),
    );
    case 'surveyTakesText': return pieces('warnSurveyTakesText', { expectText: code('expect: text'), number: code('expect: number'), choice: code('choice') });
    // The reader's words for the part to blame, and JavaScript's for what it does not take, stay English.
    case 'neverMatches': return known.of === 'answer'
      ? withHint(
        pieces('errNeverMatchesAnswer', { pattern: code(known.pattern), because: { english: known.because }, onFail: code('on_fail') }),
        pieces('errAnswerPatternHint', { regex: code('regex:'), example: code('regex:ORD-\\d{4}') }),
      )
      : withHint(
        pieces('errNeverMatchesValue', { pattern: code(known.pattern), because: { english: known.because } }),
        pieces('errValuePatternHint', { example: code('matches: "^ord-\\\\d+$"') }),
      );
    case 'exampleRefused': return pieces('errExampleRefused', { example: code(known.example), pattern: code(known.pattern) });
    case 'onlyEmptyAnswer': return withHint(
      known.pattern === '' ? pieces('errNoPatternAfterRegex', { regex: code('regex:'), onFail: code('on_fail') })
      : pieces(known.blank ? 'errOnlySpaces' : 'errOnlyEmptyAnswer', { pattern: code(known.pattern), onFail: code('on_fail') }),
      pieces('errEmptyPatternHint', { regex: code('regex:'), example: code('regex:ORD-\\d{4}'), text: code('expect: text') }),
    );
    case 'invalidPattern': return withHint(
      pieces('errInvalidPattern', { pattern: code(known.pattern), detail: { english: known.detail } }),
      pieces('errInvalidPatternHint', { chars: code('( [ { . + * ?') }),
    );
    case 'unknownExpect': return withHint(
      pieces('errUnknownExpect', { expect: code('expect:'), name: code(known.name) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) }) : pieces('errUseExpect', { names: list(known.allowed), regex: code('regex:<pattern>') }),
    );
    case 'unknownGotoTarget': return withHint(
      pieces('errUnknownGotoTarget', { goto: code('goto'), target: code(known.target) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) })
      : known.ids.length > 0 ? pieces('errStepIdsHere', { names: list(known.ids) }) : pieces('errGiveStepId', { example: code(`id: ${known.target}`) }),
    );
    case 'stepIdTwice': return pieces('errStepIdTwice', { id: code(known.id), line: String(known.firstLine) });
    case 'unknownField': return withHint(
      pieces(known.inTemplate ? 'errUnknownFieldTemplate' : 'errUnknownField', { field: code(known.field) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) })
      : pieces('errFieldHint', { ask: code('ask … save:'), set: code('set:'), example: code('contact.name') }),
    );
    case 'emptyFile': return pieces('errEmptyFile', { flow: code('flow: <name>'), trigger: code('trigger:'), steps: code('steps:') });
    case 'flowNotMap': return pieces('errFlowNotMap', { flow: code('flow: <name>'), trigger: code('trigger:'), steps: code('steps:'), received: pieces(YAML_TYPES[known.received], {}) });
    case 'stepNotMap': return pieces('errStepNotMap', { example: code('- say: "Hello"'), names: list(known.allowed) });
    case 'stepWithoutKind': return pieces('errStepWithoutKind', { names: list(known.allowed) });
    case 'stepOfTwoKinds': return pieces('errStepOfTwoKinds', { kinds: list(known.kinds) });
    case 'badFlowName': return pieces('errBadFlowName', { underscore: code('_'), dash: code('-'), example: code('inbound') });
    case 'badStepId': return pieces('errBadStepId', { underscore: code('_'), dash: code('-'), example: code('ask_email') });
    case 'badLanguageTag': return pieces('errBadLanguageTag', { name: code(known.name), examples: list(['en', 'ar', 'pt-BR']) });
    case 'labelNotOneLine': return pieces('errLabelNotOneLine', {});
    case 'notText': return pieces('errNotText', { name: code(known.name), example: code('{ en: "Hello", ar: "مرحبا" }') });
    case 'badTimeout': return pieces('errBadTimeout', { timeout: code('timeout'), examples: list(['90s', '10m', '2h', '1d']) });
    case 'badClose': return pieces('errBadClose', { close: code('close'), yes: code('true'), example: code('close: "Answered by the bot"') });
    case 'badTag': return pieces('errBadTag', { tag: code('tag'), example: code('tag: [vip, wholesale]') });
    case 'badChoice': return pieces('errBadChoice', { example: code('{ id: refund, title: "Get a refund" }') });
    case 'badRoute': return pieces('errBadRoute', { name: code(known.name), example: code('{ team: Billing, title: { en: Billing, ar: الفواتير } }') });
    case 'badSetValue': return pieces('errBadSetValue', { name: code(known.name), yes: code('true'), no: code('false'), null: code('null') });
    case 'badCase': return pieces('errBadCase', { ifCase: code('{ if: { <field>: <condition> }, goto: <id> }'), elseCase: code('{ else: <id> }') });
    case 'outOfRange': {
      const bound = known.minimum ?? known.maximum ?? 0;
      return pieces(known.minimum !== undefined ? 'errAtLeast' : 'errAtMost', { name: code(known.name), bound: String(bound), example: code(`${known.name}: ${bound}`) });
    }
    case 'notWholeNumber': return pieces('errNotWholeNumber', { name: code(known.name), example: code(`${known.name}: 2`) });
    case 'notANumber': return pieces('errNotANumber', { name: code(known.name), nan: code('.nan') });
    case 'tooLong': return pieces('errTooLong', { name: code(known.name), maximum: String(known.maximum) });
    case 'invalidValue': return pieces('errInvalidValue', { name: code(known.name), detail: { english: known.detail } });
    case 'keyNeedsKey': return pieces('errKeyNeedsKey', { name: code(known.name), needs: code(known.needs), example: code(known.example) });
    case 'labelWithoutSave': return pieces('errLabelWithoutSave', { label: code('label:'), save: code('save:'), example: code('save: conversation.<field>') });
    case 'attachmentTakesNo': return pieces('errAttachmentTakesNo', {
      expect: code(`expect: ${known.expect}`), name: code(known.name), key: code(`${known.name}:`),
      answer: pieces(known.expect === 'image' ? 'answerImage' : known.expect === 'file' ? 'answerFile' : 'answerLocation', {}),
    });
    case 'attachmentInBuiltin': return pieces('errAttachmentInBuiltin', { expect: code(`expect: ${known.expect}`), field: code(known.field), example: code(known.example) });
    case 'badCountry': return pieces('errBadCountry', { value: code(known.value), examples: list(['EG', 'US', 'GB']) });
    case 'choiceIdTwice': return pieces('errChoiceIdTwice', { id: code(known.id) });
    case 'elseNotLast': return pieces('errElseNotLast', { else: code('else') });
    case 'noAssignStep': return pieces('errNoAssignStep', { jump: code(`${known.name}: assign`), assign: code('assign'), goto: code('goto:<id>') });
    case 'loopNeverWaits': return pieces('errLoopNeverWaits', { lines: known.lines.join(current === 'ar' ? ' ← ' : ' → '), ask: code('ask') });
    case 'badCondition': return pieces('errBadCondition', { names: list(known.allowed), example: code('{ in: [a, b] }') });
    case 'conditionValue': {
      const op = code(known.op);
      switch (known.op) {
        case 'in': return pieces('errConditionList', { op, example: code('in: [billing, refund]') });
        case 'matches': return pieces('errConditionPattern', { op, example: code('matches: "^ord-\\\\d+$"') });
        case 'known': return pieces('errConditionKnown', { op, yes: code('true'), no: code('false'), known: code('known: true'), unknown: code('known: false') });
        case 'gt': case 'lt': return pieces('errConditionNumber', { op, example: code(`${known.op}: 3`) });
        default: return pieces('errConditionSingle', { op, example: code('in: [a, b]') });
      }
    }
    case 'unknownCondition': return withHint(
      pieces('errUnknownCondition', { name: code(known.name) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) }) : pieces('errConditionsHere', { names: list(known.allowed) }),
    );
    case 'notAField': return pieces('errNotAField', { name: code(known.name), contact: code('contact.<field>'), conversation: code('conversation.<field>'), example: code('contact.email') });
    case 'fieldNotWritable': return withHint(
      pieces(known.managed ? 'errFieldManaged' : 'errFieldNotWritable', { field: code(known.field) }),
      known.field === 'contact.tags' ? pieces('errUseTagStep', { tag: code('tag') })
      : known.field === 'conversation.status' ? pieces('errUseCloseStep', { close: code('close') })
      : known.field === 'conversation.first_message' ? pieces('errCopyWithSet', { set: code('set:') })
      : known.managed ? pieces('errOtherFieldName', {})
      : pieces('errOwnField', { example: code('conversation.<field>') }),
    );
    case 'reservedField': return pieces('errFieldReserved', { field: code(known.field), example: code(`${known.field.split('.')[0]}.<field>`) });
    case 'labelOfUnsaved': return withHint(
      pieces('errLabelOfUnsaved', { fields: code('fields:'), field: code(known.field) }),
      known.suggestion !== undefined ? pieces('errDidYouMean', { name: code(known.suggestion) })
      : known.saved.length > 0 ? pieces('errSavedHere', { names: list(known.saved) }) : pieces('errLabelSaved', { ask: code('ask … save:'), set: code('set:') }),
    );
    case 'labelTwice': return pieces('errLabelTwice', { field: code(known.field), line: String(known.firstLine) });
    case 'labelLacksLanguage': return pieces('warnLabelLacksLanguage', { field: code(known.field), language: code(known.language), label: code(known.label), example: code(`${known.language}: "…"`) });
    case 'placeholderNotField': return pieces('errPlaceholderNotField', {
      placeholder: code(known.placeholder), contact: code('{{contact.<field>}}'), conversation: code('{{conversation.<field>}}'), example: code('{{contact.name | there}}'),
    });
    case 'unbalancedBraces': return pieces('errUnbalancedBraces', { open: code('{{'), close: code('}}'), example: code('{{contact.name}}') });
    case 'notLanguage': return pieces('errNotLanguage', { tag: code(known.tag), example: code('{ en: "Hello", ar: "مرحبا" }'), examples: list(['en', 'ar', 'pt-BR']) });
    case 'languageTwice': return pieces('errLanguageTwice', { tag: code(known.tag), language: code(known.language) });
    case 'noTexts': return pieces('errNoTexts', { name: code(known.name), example: code('{ en: "Hello", ar: "مرحبا" }') });
    case 'noFlowLanguageText': return pieces('errNoFlowLanguageText', { name: code(known.name), language: code(known.language), example: code(`${known.language}: "…"`) });
    case 'flowNameTaken': return pieces('errFlowNameTaken', { flow: code(known.flow), file: code(known.file) });
    case 'notUtf8': return pieces('errNotUtf8', {});
    case 'notStored': return pieces(known.serving ? 'errNotStoredServing' : 'errNotStoredOut', { detail: { english: known.detail }, dataDir: code('DATA_DIR') });
    case 'nameMismatch': return pieces('errNameMismatch', { flow: code(known.flow), published: code(known.published), example: code(`flow: ${known.published}`) });
    case 'sharedTrigger': return pieces(known.notRunning === 'this' ? 'warnSharedTriggerThis' : 'warnSharedTriggerOther', {
      flow: code(known.flow), other: code(known.other), otherFile: code(known.otherFile), trigger: code('trigger:'),
    });
    default: return undefined;
  }
}

/**
 * A refusal of the admin API in the admin's language, for the answers whose `kind` the page knows (an example not
 * added: the training data refused, or the text an example of another intent already); undefined for the others, and
 * in English, where the server's own sentence says it: the page shows it as written.
 *
 *     refusalWords({ kind: 'exampleOfAnother', text: 'refund', intent: 'billing', at: 'nlp/intents.yaml:6:7' }); // ['الجملة «', { code: 'refund' }, …]
 */
export function refusalWords(answer: KnownRefusal | undefined): Piece[] | undefined {
  if (!answer || current === 'en') return undefined;
  const code = (text: string): Piece => ({ code: text });
  switch (answer.kind) {
    case 'exampleOfAnother': return pieces('exampleOfAnother', { text: code(answer.text), intent: code(answer.intent), at: code(answer.at) });
    case 'trainingDataRefused': {
      const { problem } = answer;
      return pieces('exampleDataRefused', {
        file: code(problem.file), line: String(problem.line), column: String(problem.column),
        reason: fileReason(problem.known) ?? [{ english: problem.message }],
      });
    }
    default: return undefined;
  }
}

/**
 * `fileReason` as one line of text (the editor's tooltip): what the file says isolated, so that it keeps its place.
 *
 *     fileReasonText(known); // 'نوع خطوة غير معروف: «\u2068sya\u2069» (هل تقصد «\u2068say\u2069»؟)'
 */
export function fileReasonText(known: KnownFileError | undefined): string | undefined {
  return fileReason(known)?.map((piece) => (typeof piece === 'string' ? piece : named('code' in piece ? piece.code : piece.english))).join('');
}

/**
 * Why a message did not reach the customer, in the admin's language, when the channel could tell (a message's
 * `failure`): the agent console's words for it. Undefined otherwise; the page then shows the channel's own.
 *
 *     failureWords('blocked'); // 'حظر العميل البوت' in Arabic
 */
export function failureWords(failure: KnownFailure | undefined): string | undefined {
  return failure === undefined ? undefined : FAILURE_WORDS[current][failure];
}
