// Publishing flow scripts from the dashboard: check a script with the loader's own checks, write it into the flow
// folder in one piece, put it in service, and keep who published which version when. A publish names the version it
// was edited from (a rollback, the version it replaces), so of two admins editing at once the second is told someone
// published first instead of undoing their work. Conversations in progress keep the version they started on (the library finds it by its hash).
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { replaceFile } from '../shared/replace-file.ts';
import type { Store } from '../store/types.ts';
import { place, type PlacedError } from '../shared/file-error.ts';
import type { FlowError } from './errors.ts';
import type { FlowLibrary, StoredFlowVersion } from './library.ts';
import { whileRemoving } from './removals.ts';
import { versionOf } from './versions.ts';

/**
 * The names a flow may have from the dashboard: its file is `<name>.yaml` in the flow folder. Lower-case, so that
 * no two names share a file on a case-insensitive disk, and nothing that could leave the folder.
 */
export const PUBLISHED_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Who published which version of a flow, when (collection `flow-history`, keyed by the flow's name). */
export interface PublishRecord {
  version: string;
  publishedAt: string;
  publishedBy: string;
}

const HISTORY = 'flow-history';
/** A flow's history keeps this many publishes; the versions themselves stay in `flow-versions`. */
const MAX_HISTORY = 500;

export type PublishOutcome =
  | { ok: true; version: string }
  | { ok: false; errors: PlacedError[] }
  | { ok: false; conflict: string | null };

/** A flow file as the dashboard lists it. */
export interface FlowFile {
  name: string;
  version: string;
  source: string;
  /** The last publish of this version, if it was published here; else when the file last changed on disk. */
  updatedAt?: string;
  updatedBy?: string;
  /** Why the file is refused, as the log says it: `file:line:column: reason (fix)`. */
  error?: string;
  /** The same, at its line and column, for a page that says where in its own words. */
  problem?: PlacedError;
  /** While the file is refused: the version still in service (the last good one), if any is. */
  serving?: string;
}

export interface FlowPublisherOptions {
  /** The flow folder (`DATA_DIR/flows`). */
  dir: string;
  library: FlowLibrary;
  store: Store;
  now: () => Date;
}

/**
 * Reads, checks, publishes, rolls back and removes the flow files of a folder.
 *
 *     const publisher = new FlowPublisher({ dir, library: flows, store, now });
 *     const outcome = await publisher.publish('support', text, baseVersion, 'Nadia');
 */
export class FlowPublisher {
  /** What this publisher is writing or removing now, as `<name>@<version>` (`@null`: removing): no news on disk. */
  readonly #writing = new Set<string>();

  constructor(private readonly options: FlowPublisherOptions) {}

  /**
   * Calls `listener` when a flow file changes on disk by another hand than a publish (a text editor, a git pull, a
   * copy), with its version now (null: removed), as the library's reloads find it: an admin editing that flow in the
   * dashboard is told. A publish of this process is not one; nor one of another process sharing the store, once it
   * is in the flow's history (one whose reload here comes before its history is written is told as a change on disk).
   *
   *     publisher.onChangedOnDisk((name, version) => feed.publish({ type: 'flows', data: { name, version, onDisk: true } }));
   */
  onChangedOnDisk(listener: (name: string, version: string | null) => void): () => void {
    return this.options.library.onChange((changes) => {
      for (const { file, version } of changes) {
        const name = /^(.+)\.yaml$/.exec(file)?.[1];
        if (name === undefined || !PUBLISHED_NAME.test(name) || this.#writing.has(`${name}@${version}`)) continue;
        void this.publishedHere(name, version).catch(() => false).then((published) => published || listener(name, version));
      }
    });
  }

  /** Whether `version` of the flow `name` is its last publish from the dashboard (a removal is never one). */
  async publishedHere(name: string, version: string | null): Promise<boolean> {
    return version !== null && (await this.history(name))[0]?.version === version;
  }

  /** The file of a flow name, or undefined for a name that may not be one. */
  #path(name: string): string | undefined {
    return PUBLISHED_NAME.test(name) ? join(this.options.dir, `${name}.yaml`) : undefined;
  }

  /** The file as the library and its errors name it, e.g. `flows/support.yaml`. */
  #label(name: string): string {
    return `${basename(this.options.dir)}/${name}.yaml`;
  }

  /** Every flow file of the folder, by name order. */
  async list(): Promise<FlowFile[]> {
    const names = (await readdir(this.options.dir)).flatMap((file) => {
      const match = /^(.+)\.yaml$/.exec(file);
      return match && PUBLISHED_NAME.test(match[1]!) ? [match[1]!] : [];
    }).sort();
    const files = await Promise.all(names.map((name) => this.get(name)));
    return files.filter((file): file is FlowFile => file !== undefined);
  }

  /** One flow file with its current version and, if it is refused as it is on disk, the first reason. */
  async get(name: string): Promise<FlowFile | undefined> {
    const source = await this.#source(name);
    if (source === undefined) return undefined;
    const version = versionOf(source);
    const last = (await this.history(name)).find((record) => record.version === version);
    // Not published here (written by hand, or copied in): when the file last changed, by nobody the server knows.
    const modified = last ? undefined : await this.#modified(name);
    const refused = this.options.library.errors().find((error) => error.file === this.#label(name));
    const serving = refused ? this.options.library.servedBy(this.#label(name))?.version : undefined;
    return {
      name, version, source,
      ...(last ? { updatedAt: last.publishedAt, updatedBy: last.publishedBy } : modified ? { updatedAt: modified } : {}),
      ...(refused ? { error: String(refused), problem: place(refused, source) } : {}),
      ...(serving ? { serving } : {}),
    };
  }

  /** The name `flow:` gives inside the file serving `name` (the versions in the store are kept under it). */
  flowNameOf(name: string): string {
    return this.options.library.servedBy(this.#label(name))?.name ?? name;
  }

  /**
   * What is wrong with `source` as the flow `name`, each error at its line and column; empty when it would publish.
   *
   *     await publisher.validate('support', 'flow: support\nsteps: []\n'); // [{ line: 2, column: 1, message: … }]
   */
  validate(name: string, source: string): PlacedError[] {
    const errors: FlowError[] = this.options.library.check(this.#label(name), source);
    if (errors.length > 0) return errors.map((error) => place(error, source));
    // The name as the loader reads it, however the file is written (`flow: x`, `"flow": "x"`, `{flow: x, …}`).
    const compiled = this.options.library.compile(this.#label(name), source);
    if (!('draft' in compiled) || compiled.draft.flow.name === name) return [];
    const { flow, nameLine } = compiled.draft;
    const text = source.split('\n')[nameLine - 1] ?? '';
    const key = /(["']?)flow\1[ \t]*:/.exec(text);
    const at = key ? text.indexOf(flow.name, key.index + key[0].length) : -1;
    const fix = key?.[1] ? `${key[1]}flow${key[1]}: ${key[1]}${name}${key[1]}` : `flow: ${name}`;
    return [{
      line: nameLine, column: at >= 0 ? at + 1 : text.search(/\S|$/) + 1, message: `the flow is called "${flow.name}" but is published as "${name}": write ${fix}`,
      known: { kind: 'nameMismatch', flow: flow.name, published: name },
    }];
  }

  /**
   * What the editor shows as warnings, not errors, for `source` as the flow `name`: it would go into service all the
   * same (a flow that can run past its last step without `close` or `assign`, or that shares its trigger).
   *
   *     publisher.warnings('support', source); // [{ line: 5, column: 5, message: 'flow "support" can run past…' }]
   */
  warnings(name: string, source: string): PlacedError[] {
    return this.options.library.warnings(this.#label(name), source).map((warning) => place(warning, source));
  }

  /**
   * Publishes `source` as the flow `name` if `baseVersion` is still its current version (null: a new flow), then
   * puts it in service. Nothing is written when it is refused.
   */
  publish(name: string, source: string, baseVersion: string | null, author: string): Promise<PublishOutcome> {
    return this.#serialized(async () => {
      const current = await this.#source(name);
      const currentVersion = current === undefined ? null : versionOf(current);
      if (currentVersion !== baseVersion) return { ok: false, conflict: currentVersion };
      const errors = this.validate(name, source);
      if (errors.length > 0) return { ok: false, errors };
      return { ok: true, version: await this.#write(name, source, author) };
    });
  }

  /**
   * Publishes an earlier version again, as the current one, if `baseVersion` is still the current version (null: the
   * file is gone), as `publish` does: a colleague's publish since the admin looked is not undone unseen. Undefined
   * when that version was never published.
   */
  rollback(name: string, version: string, baseVersion: string | null, author: string): Promise<PublishOutcome | undefined> {
    return this.#serialized(async () => {
      const stored = await this.version(name, version);
      if (!stored) return undefined;
      const current = await this.#source(name);
      const currentVersion = current === undefined ? null : versionOf(current);
      if (currentVersion !== baseVersion) return { ok: false, conflict: currentVersion };
      const errors = this.validate(name, stored.source);
      if (errors.length > 0) return { ok: false, errors };
      return { ok: true, version: await this.#write(name, stored.source, author) };
    });
  }

  /**
   * Removes the flow's file (its versions stay in the store), unless open conversations run on the flow: then nothing
   * is removed and they are counted. `{ removed: false }` when there was no file. The count and the removal run with
   * the flow marked as going (`whileRemoving`), so a customer starting it meanwhile, in any process, is either counted
   * or starts no flow.
   *
   *     await publisher.remove('greeting'); // { removed: false, openConversations: 2 }
   */
  remove(name: string): Promise<{ removed: boolean; openConversations?: number }> {
    return this.#serialized(async () => {
      const path = this.#path(name);
      if (!path || (await this.#source(name)) === undefined) return { removed: false };
      const flow = this.flowNameOf(name);
      return whileRemoving(this.options.store, flow, this.options.now(), async () => {
        const open = (await this.options.store.openConversations()).filter((conversation) => conversation.flow?.flow === flow).length;
        if (open > 0) return { removed: false, openConversations: open };
        this.#writing.add(`${name}@null`);
        try {
          await rm(path);
          await this.options.library.reload();
        } finally {
          this.#writing.delete(`${name}@null`);
        }
        return { removed: true };
      });
    });
  }

  /** Every publish of the flow, newest first. */
  async history(name: string): Promise<PublishRecord[]> {
    return [...((await this.options.store.doc<PublishRecord[]>(HISTORY, name)) ?? [])].reverse();
  }

  /**
   * The versions of a flow, newest first: each published from the dashboard (with its author) or seen on disk
   * (by "file"), with the time it was last published.
   */
  async versions(name: string): Promise<PublishRecord[]> {
    const byVersion = new Map<string, PublishRecord>();
    for (const record of await this.history(name)) if (!byVersion.has(record.version)) byVersion.set(record.version, record);
    const flow = this.flowNameOf(name);
    for (const stored of (await this.options.store.docs<StoredFlowVersion>('flow-versions')).values()) {
      if (stored.flow !== flow || byVersion.has(stored.version)) continue;
      byVersion.set(stored.version, { version: stored.version, publishedAt: stored.publishedAt, publishedBy: 'file' });
    }
    return [...byVersion.values()].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
  }

  /** One stored version of the flow, with its source. */
  async version(name: string, version: string): Promise<(PublishRecord & { source: string }) | undefined> {
    if (!/^[0-9a-f]{12}$/.test(version)) return undefined;
    const stored = await this.options.store.doc<StoredFlowVersion>('flow-versions', `${this.flowNameOf(name)}@${version}`);
    if (!stored || versionOf(stored.source) !== version) return undefined;
    const record = (await this.versions(name)).find((each) => each.version === version);
    return { version, source: stored.source, publishedAt: record?.publishedAt ?? stored.publishedAt, publishedBy: record?.publishedBy ?? 'file' };
  }

  async #modified(name: string): Promise<string | undefined> {
    const path = this.#path(name);
    try {
      return path ? (await stat(path)).mtime.toISOString() : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #source(name: string): Promise<string | undefined> {
    const path = this.#path(name);
    if (!path) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Stores the version, writes the file whole (a hidden temporary file, synced, renamed over it: the loader never
   * reads half a script), puts it in service and records the publish. Returns the version.
   */
  async #write(name: string, source: string, author: string): Promise<string> {
    const { dir, store, library, now } = this.options;
    const path = this.#path(name) as string;
    const version = versionOf(source);
    // `validate` made sure the script calls itself `name`.
    const flow = name;
    const key = `${flow}@${version}`;
    const publishedAt = now().toISOString();
    await store.transaction(`flow-version:${key}`, async (tx) => {
      if (!(await tx.doc('flow-versions', key))) tx.putDoc('flow-versions', key, { flow, version, source, publishedAt } satisfies StoredFlowVersion);
    });
    this.#writing.add(key);
    try {
      await replaceFile(path, source);
      await library.reload();
    } finally {
      this.#writing.delete(key);
    }
    await store.transaction(`${HISTORY}:${name}`, async (tx) => {
      const history = (await tx.doc<PublishRecord[]>(HISTORY, name)) ?? [];
      tx.putDoc(HISTORY, name, [...history, { version, publishedAt, publishedBy: author }].slice(-MAX_HISTORY));
    });
    return version;
  }

  /**
   * Publishes run one at a time, in every process sharing the store: a version check and its write are one step,
   * under the store's transaction on one fixed key (on PostgreSQL, that key's lock is held while the work runs).
   */
  #serialized<T>(work: () => Promise<T>): Promise<T> {
    return exclusively(this.options.store, 'flows', work);
  }
}

/**
 * Runs `work` while no other publishing of `what` (flows, team.yaml) runs, in this process or any other sharing
 * `store`: inside a transaction that reads and writes nothing on the key `publishing:<what>`, tried once (the work
 * writes files and must not run twice).
 *
 *     await exclusively(store, 'team', async () => checkVersionThenWrite());
 */
export function exclusively<T>(store: Store, what: string, work: () => Promise<T>): Promise<T> {
  return store.transaction(`publishing:${what}`, () => work(), { attempts: 1 });
}
