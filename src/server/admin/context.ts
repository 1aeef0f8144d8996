// What every part of the admin API works with, handed over once by `mountAdmin`.
import type { Response } from 'express';
import type { ZodError } from 'zod';
import type { ActionResult } from '../../handover/actions.ts';
import type { Admin, AdminAction } from '../../handover/admin-actions.ts';
import type { TeamDirectory } from '../../handover/directory.ts';
import type { AddressKey } from '../../handover/team.ts';
import type { FlowLibrary } from '../../flows/library.ts';
import type { FlowPublisher } from '../../flows/publishing.ts';
import type { IntentService } from '../../bot/nlp/service.ts';
import type { LiveFeed } from '../../bot/live.ts';
import type { MediaStore, Store } from '../../store/types.ts';
import type { Logger } from '../../shared/log.ts';

export interface AdminContext {
  store: Store;
  directory: TeamDirectory;
  flows: FlowLibrary;
  publisher: FlowPublisher;
  intents: IntentService;
  /** The agent action API (`runtime.act`), with an admin as the actor. */
  act: (admin: Admin, action: AdminAction) => Promise<ActionResult>;
  media: MediaStore;
  feed: LiveFeed;
  log: Logger;
  now: () => Date;
  /** `DATA_DIR/team.yaml`. */
  teamFile: string;
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
}

/** A zod error as one sentence: `path: problem; path: problem`. */
export function describeZod(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/** Answers 400 (a bad query or name) or 422 (a body that is JSON but not what the route takes) from a zod error. */
export function badRequest(res: Response, error: ZodError, status: 400 | 422 = 400): void {
  res.status(status).json({ error: describeZod(error) });
}
