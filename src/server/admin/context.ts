// What every part of the admin API works with, handed over once by `mountAdmin`.
import express, { type RequestHandler, type Response } from 'express';
import type { ZodError } from 'zod';
import type { ActionResult } from '../../handover/actions.ts';
import type { Admin, AdminAction } from '../../handover/admin-actions.ts';
import type { TeamDirectory } from '../../handover/directory.ts';
import type { Line } from '../../handover/lines.ts';
import type { AddressKey } from '../../handover/team.ts';
import type { FlowLibrary } from '../../flows/library.ts';
import type { FlowPublisher } from '../../flows/publishing.ts';
import type { IntentService } from '../../bot/nlp/service.ts';
import type { LiveFeed } from '../../bot/live.ts';
import type { RoomGiving } from '../../bot/runtime.ts';
import type { Conversation, MediaStore, Store } from '../../store/types.ts';
import type { PlacedError } from '../../shared/file-error.ts';
import type { Logger } from '../../shared/log.ts';
import type { ChannelStatus, InboundMessage } from '../../types.ts';
import type { Agent } from '../../handover/team.ts';
import type { WaitingReplies } from '../../bot/outbox.ts';
import type { TimelineEvent } from '../../bot/timeline.ts';
import { describeBytes } from '../../store/media.ts';

export interface AdminContext {
  store: Store;
  directory: TeamDirectory;
  flows: FlowLibrary;
  publisher: FlowPublisher;
  intents: IntentService;
  /** The agent action API (`runtime.act`), with an admin as the actor. */
  act: (admin: Admin, action: AdminAction) => Promise<ActionResult>;
  /**
   * Sends an agent's reply as though their web chat session had posted it (`runtime.reply` through the web chat), as the
   * agent console does: the dashboard's Send again sends a failed reply of theirs once more with it, `moment` (the
   * admin's, for the timeline) written with it. Without it, refused.
   */
  reply?: (agent: Agent, message: InboundMessage, conversationId: number, moment?: TimelineEvent) => Promise<ActionResult>;
  /**
   * Why a hand back of a conversation would be refused (`runtime.whyNoHandBack`): the conversation view says it in place
   * of Hand back, by the rule the hand back itself keeps. Without it, Hand back is offered.
   */
  whyNoHandBack?: (conversation: Conversation) => Promise<Line | undefined>;
  /** Once a contact is erased: tells what the erase left to tell (`runtime.erased`, see `tellErased`). */
  erased: (contactId: string) => Promise<void>;
  /** Once a contact is erased: ends their web chat sessions' event streams, in every process (`webchat.endSessions`). */
  webchatErased?: (sessions: readonly string[]) => void;
  /** Runs a write of team.yaml and its reload, gathering the room it gives the customers waiting (`runtime.roomGivenBy`). */
  roomGivenBy: (save: () => Promise<void>) => Promise<RoomGiving>;
  media: MediaStore;
  feed: LiveFeed;
  log: Logger;
  now: () => Date;
  /** `DATA_DIR/team.yaml`. */
  teamFile: string;
  /** How long without a console sets a console-only agent Away (`CONSOLE_AWAY_AFTER`), as the Team page says it; absent when off. */
  consoleAwayAfterMs?: number;
  /** `DATA_DIR/nlp`. */
  nlpDir: string;
  /** The keys naming agents' addresses, as the channels state them (`ADDRESS_KEYS`). */
  addressKeys: readonly AddressKey[];
  /**
   * Called once flows or team.yaml were published here, or the NLP training data changed or was retrained, so the
   * other processes sharing DATA_DIR read them again (a file watcher may miss a change on a shared disk, NFS say).
   * Absent with one process.
   */
  published?: (file: 'flows' | 'team' | 'nlp') => void;
  /** The channels with a connection of their own and their state now (`Channel.status`), for the dashboard's banner. */
  channels?: () => NamedChannelStatus[];
  /**
   * The replies waiting for their channel, by channel, in every process and those behind the one tried for each
   * customer (`waitingFromStore`), for the dashboard's banner; `fresh`: read now, not an answer kept from before a
   * change the feed told (`delivery` with `waiting`).
   */
  waitingReplies?: (fresh?: boolean) => Promise<WaitingReplies[]> | WaitingReplies[];
}

/** A channel's state (`Channel.status`), with its name. */
export type NamedChannelStatus = ChannelStatus & { channel: string };

/**
 * What a refusal of the admin API is, beside its `error` (English): its `kind` and what it names, for a page that says
 * it in its own language (the dashboard in Arabic). A page reads the `error` of the others.
 *
 *     res.status(409).json({ error: 'someone changed team.yaml since you opened it; …', kind: 'publishedSince', currentVersion });
 */
export type KnownRefusal =
  // A publish over a version that is no longer the current one (`currentVersion`; `onDisk` when the file was changed
  // on disk, by no publish from the dashboard), or over a file removed since.
  | { kind: 'publishedSince'; currentVersion: string; onDisk?: true }
  | { kind: 'removedSince' }
  // An example not added: the training data is refused (`problem`, where and why), or the text is already an example
  // of another intent (at `at`, `file:line:column`).
  | { kind: 'trainingDataRefused'; problem: PlacedError & { file: string } }
  | { kind: 'exampleOfAnother'; text: string; intent: string; at: string }
  // 503: the admin API off (no ADMIN_TOKEN), or more event streams open than one process serves (dashboard tabs).
  | { kind: 'adminOff' }
  | { kind: 'tooManyStreams' };

/** A zod error as one sentence: `path: problem; path: problem`. */
export function describeZod(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/** Answers 400 (a bad query or name) or 422 (a body that is JSON but not what the route takes) from a zod error. */
export function badRequest(res: Response, error: ZodError, status: 400 | 422 = 400): void {
  res.status(status).json({ error: describeZod(error) });
}

/**
 * The JSON body of a file an admin publishes (`what`: "a flow"), whose `source` may be `limit` bytes (UTF-8, as the file
 * on disk): a body too big to hold one is answered 413 `{ error, limit, size }` saying both, not "the body is too large".
 * The body may be larger than the file (JSON escapes quotes and line breaks): `tooLarge` checks the source itself.
 *
 *     router.put('/flows/:name', publishedJson('a flow', MAX_SOURCE), handler);
 */
export function publishedJson(what: string, limit: number): RequestHandler {
  const parse = express.json({ limit: 2 * limit + 4096 });
  return (req, res, next) => parse(req, res, (error?: unknown) => {
    const refused = error as { type?: string; length?: number; received?: number } | undefined;
    if (refused?.type !== 'entity.too.large') return void next(error);
    const size = refused.length ?? refused.received ?? 0;
    const [most, sent] = sizes(limit, size);
    res.status(413).json({ error: `${what} may be at most ${most}; ${sent} were sent`, limit, size });
  });
}

/**
 * Answers 413 `{ error, limit, size }` and returns true when `source` is over `limit` bytes (UTF-8), saying both.
 *
 *     if (tooLarge(res, 'a flow', body.data.source, MAX_SOURCE)) return;
 */
export function tooLarge(res: Response, what: string, source: string, limit: number): boolean {
  const size = Buffer.byteLength(source, 'utf8');
  if (size <= limit) return false;
  const [most, sent] = sizes(limit, size);
  res.status(413).json({ error: `${what} may be at most ${most}; this one is ${sent}`, limit, size });
  return true;
}

/** Two sizes as people read them, with the exact bytes where the rounded ones would read the same. */
function sizes(limit: number, size: number): [string, string] {
  const [a, b] = [describeBytes(limit), describeBytes(size)];
  return a === b ? [`${a} (${limit.toLocaleString('en')} bytes)`, `${b} (${size.toLocaleString('en')} bytes)`] : [a, b];
}
