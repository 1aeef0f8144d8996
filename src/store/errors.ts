// The errors a store raises, one class per way a caller (or the person reading the log) has to react.

/**
 * A commit was refused because a record the transaction read was changed by another transaction meanwhile
 * ("conversation 42 changed while this transaction ran; retry"), or because it would break an invariant (two open
 * conversations for one contact, one identity on two contacts). Nothing of the transaction was kept; the caller
 * may run it again, and it then reads the new state.
 *
 *     try { await store.transaction(key, work); }
 *     catch (error) { if (error instanceof ConflictError) retry(); else throw error; }
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Another live process holds the store's lock file. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';

  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `${lockFile}: the store is in use by process ${pid}. Stop that process first; if it is not a Switchboard ` +
        `process (its pid was reused), delete ${lockFile}.`,
    );
  }
}

/** A store file cannot be read back; names the file and, when known, the line. */
export class CorruptStoreError extends Error {
  override readonly name = 'CorruptStoreError';

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(
      `${line === undefined ? file : `${file}:${line}`}: ${reason}. The store refuses to open rather than lose data: ` +
        `restore the file from a backup, or repair or remove that line by hand.`,
    );
  }
}

/** A store file was written by a newer Switchboard, in a format this one does not read: run that version again. */
export class NewerStoreError extends Error {
  override readonly name = 'NewerStoreError';

  constructor(
    readonly file: string,
    version: number,
    readable: readonly number[],
  ) {
    super(
      `${file}: written by a newer Switchboard (format ${version}; this one reads ${readable.join(' and ')}). The store ` +
        `refuses to open rather than lose what it cannot read: run the version that wrote it.`,
    );
  }
}

/**
 * `markDelivery` of a message another process has claimed since (it found this process's claim in doubt while this
 * one was cut off from the database, and is sending it again): its outcome is that process's to record.
 */
export class ClaimTakenError extends Error {
  override readonly name = 'ClaimTakenError';
}

/**
 * The store is closed, out of reach (a database down), or refusing writes since a disk write failed (`cause` says
 * why): nothing was done. `retryAfterMs`, when known, is how long until the store tries again, for `Retry-After`.
 *
 *     throw new StoreUnavailableError('cannot write to data/store (ENOSPC)', { cause, retryAfterMs: 5_000 });
 */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The store cannot open yet because `npm run migrate-store` is copying into its database: the start waits for it
 * as for a database out of reach, and opens on what the copy committed.
 */
export class StoreBeingCopiedError extends StoreUnavailableError {
  override readonly name = 'StoreBeingCopiedError';
}

/**
 * The work of a transaction put an object for a record other than the one the transaction handed out for it: a
 * copy that may be older than the live object, whose changes it would undo. A programming error, never retried.
 *
 *     const conversation = await tx.conversation(42);
 *     tx.putConversation({ ...conversation, stage: 'queued' }); // StaleWriteError: change `conversation` itself
 */
export class StaleWriteError extends Error {
  override readonly name = 'StaleWriteError';
}
