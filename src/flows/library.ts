// The flows in service: reads the flow folder, publishes each good script as a version in the store, keeps the
// last good version of a file that breaks, reloads on change, and finds any version a conversation started on
// (also one published by another process sharing the store).
import { logged, placed } from '../shared/file-error.ts';
import { Reloader } from '../shared/reloader.ts';
import { utf8Text } from '../shared/text.ts';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Conversation, ConversationSource, Store } from '../store/types.ts';
import { compileFlow, namedTeams, unknownAgents, unknownFields, unknownTeam, unknownTeams, type Draft } from './compile.ts';
import { endsUnsaidWarning } from './ends.ts';
import { surveyTextWarnings } from './surveys.ts';
import { FlowError } from './errors.ts';
import { BUILTIN_FIELDS } from './fields.ts';
import { wordingOf, type Wording } from './labels.ts';
import type { CompiledFlow, FlowLog } from './types.ts';
import { readVersion, versionOf } from './versions.ts';

/** Options of `FlowLibrary.load`. */
export interface FlowLibraryOptions {
  /** The folder of flow scripts (`*.yaml`, `*.yml`), e.g. `data/flows`. */
  dir: string;
  /** Where every published version is kept (collection `flow-versions`, keyed `<flow>@<version>`). */
  store: Store;
  /** Where releases before 0.2 kept versions as `<flow>@<version>.yaml` files: still read, never written. */
  legacyVersionsDir?: string;
  log: FlowLog;
  /** The teams of team.yaml: a script naming another team literally is refused (none given, or none listed: not checked). */
  teams?: () => readonly string[];
  /** The agents of team.yaml, by name: an `assign` naming another agent is warned of (none given, or none listed: not checked). */
  agents?: () => readonly string[];
  /** Reload when a file in `dir` changes, is added or removed (default true). */
  watch?: boolean;
}

const SCRIPT = /^[^.].*\.ya?ml$/i;

/** The version each flow file serves (collection, keyed by file as admins know it: `flows/inbound.yaml`). */
const SERVING = 'flow-serving';

/** A flow file whose text changed on disk since the last read: its name in the folder and its version now (null: gone). */
export interface FlowFileChange {
  file: string;
  version: string | null;
}

/** A published version as the store keeps it. */
export interface StoredFlowVersion {
  flow: string;
  version: string;
  source: string;
  publishedAt: string;
}

/**
 * The flows in service and every version they ever had.
 *
 *     const flows = await FlowLibrary.load({ dir: 'data/flows', store, log });
 *     for (const flow of flows.forTrigger('conversation.opened', 'contact')) startFlow(flow, run);
 */
export class FlowLibrary {
  /** The flow each file serves (its newest good version), by file, in file order. */
  private serving = new Map<string, CompiledFlow>();
  private wordings: { serving: ReadonlyMap<string, CompiledFlow>; byVersion: Map<string, Wording> } = { serving: new Map(), byVersion: new Map() };
  /** Every version seen or read back, by `<flow>@<version>`. */
  private readonly versions = new Map<string, CompiledFlow>();
  private fileErrors: FlowError[] = [];
  /** What `recordServing` last wrote, by file: `<flow>@<version>`. */
  private readonly recorded = new Map<string, string>();
  private readonly reloader: Reloader;

  /** The version of each script's text as it is on disk, refused ones too, by file name; undefined before the first read. */
  private onDisk: Map<string, string> | undefined;
  private readonly changeListeners = new Set<(changes: FlowFileChange[]) => void>();

  /** The text `compile` compiled last, and what came of it. */
  private lastCompiled: { file: string; text: string; result: ReturnType<typeof compileFlow> } | undefined;

  private constructor(private readonly options: FlowLibraryOptions) {
    this.reloader = new Reloader({ read: () => this.read(), label: 'flows', log: options.log });
  }

  /**
   * Loads every script in `dir`; a file that does not compile is not loaded and shows in `errors()`.
   *
   *     const flows = await FlowLibrary.load({ dir, store, log, watch: false });
   */
  static async load(options: FlowLibraryOptions): Promise<FlowLibrary> {
    await mkdir(options.dir, { recursive: true });
    const library = new FlowLibrary(options);
    await library.reload();
    if (options.watch ?? true) library.reloader.watch(options.dir);
    return library;
  }

  /**
   * The flows in service that start on this event (for `conversation.opened`, from this source).
   *
   *     flows.forTrigger('conversation.closed');
   */
  forTrigger(on: 'conversation.opened' | 'conversation.closed', source?: ConversationSource): CompiledFlow[] {
    return [...this.serving.values()].filter(
      ({ trigger }) => trigger.on === on && (source === undefined || trigger.on !== 'conversation.opened' || trigger.source === source),
    );
  }

  /**
   * Whether the file `flow` was read from is still in the flows folder: a flow in service here whose file was removed
   * since (by another process's `DELETE /api/flows/:name`, before this one read the folder again) is started no more.
   *
   *     if (flows.stillOnDisk(flow)) startFlow(flow, run);
   */
  stillOnDisk(flow: Pick<CompiledFlow, 'file'>): boolean {
    return existsSync(join(this.options.dir, basename(flow.file)));
  }

  /**
   * A version of a flow, in service or not, read back from the store if this process has not seen it.
   *
   *     const flow = await flows.version(position.flow, position.version);
   */
  async version(flow: string, version: string): Promise<CompiledFlow | undefined> {
    const key = `${flow}@${version}`;
    const seen = this.versions.get(key);
    if (seen) return seen;
    const stored = await this.options.store.doc<StoredFlowVersion>('flow-versions', key);
    const legacyDir = this.options.legacyVersionsDir;
    const text = stored?.source ?? (legacyDir ? readVersion(legacyDir, flow, version) : undefined);
    if (text === undefined) return undefined;
    const file = `flow-versions/${key}`;
    if (versionOf(text) !== version) {
      this.options.log.error({ file }, `stored flow version ${file} does not match its hash; ignoring it`);
      return undefined;
    }
    const result = compileFlow(file, text);
    if ('errors' in result || result.draft.flow.name !== flow) {
      const reason = 'errors' in result ? String(result.errors[0]) : `it holds flow "${result.draft.flow.name}"`;
      this.options.log.error({ file }, `stored flow version ${file} cannot be used: ${reason}`);
      return undefined;
    }
    this.versions.set(key, result.draft.flow);
    return result.draft.flow;
  }

  /**
   * How a conversation's fields and intent read to agents and admins: the labels and route titles of the flow version
   * it ran, else of the flows in service (a contact's fields may come from another flow).
   *
   *     shownFields(contact.fields, conversation.fields, await flows.wording(conversation), 'ar');
   */
  async wording(conversation: Pick<Conversation, 'flow'>): Promise<Wording> {
    const position = conversation.flow;
    const own = position ? await this.version(position.flow, position.version) : undefined;
    // Built once per flow version and flows in service: the console's list asks it for each conversation.
    if (this.wordings.serving !== this.serving) this.wordings = { serving: this.serving, byVersion: new Map() };
    const key = own ? `${own.name}@${own.version}` : '';
    let wording = this.wordings.byVersion.get(key);
    if (wording === undefined) {
      wording = wordingOf([...(own ? [own] : []), ...this.serving.values()]);
      this.wordings.byVersion.set(key, wording);
    }
    return wording;
  }

  /**
   * Why files on disk are not in service as they are now (file, line, column, reason); empty when all are good.
   *
   *     for (const error of flows.errors()) console.error(String(error));
   */
  errors(): FlowError[] {
    return [...this.fileErrors];
  }

  /**
   * `text` compiled as the file `file`, as the editor's checks need it: `check`, `warnings` and the publisher's name
   * check each ask for the same text in turn, and a long flow takes a compile of 0.1–0.4 s. The last text is kept
   * (one, so nothing grows); the files in service are compiled afresh on each load.
   *
   *     const result = flows.compile('flows/support.yaml', text); // { draft } or { errors }
   */
  compile(file: string, text: string): ReturnType<typeof compileFlow> {
    const last = this.lastCompiled;
    if (last?.file === file && last.text === text) return last.result;
    const result = compileFlow(file, text);
    this.lastCompiled = { file, text, result };
    return result;
  }

  /**
   * What is worth knowing about `text` as the file `file` although it would go into service: a text a `#` comment cut
   * short or a pattern that takes any answer (`compile`'s own), a flow that can run past its last step without `close`
   * or `assign`, a closing survey's question that takes any text (a new request too), or a flow that shares its trigger
   * with a flow of another file (of the two, only the first file by name runs). Empty when it has errors (`check`).
   * Each load logs these for the files it puts in service.
   *
   *     const warnings = flows.warnings('flows/support.yaml', text); // [FlowError], shown as warnings in the editor
   */
  warnings(file: string, text: string): FlowError[] {
    const result = this.compile(file, text);
    if ('errors' in result) return [];
    return this.warningsOf(file, result.draft, 'both');
  }

  // The editor warns of a shared trigger in both files (either edit changes which flow runs); a load says it once,
  // in the later file's warning: that flow is the one that does not run.
  private warningsOf(file: string, draft: Draft, sharedTrigger: 'both' | 'later'): FlowError[] {
    const ends = endsUnsaidWarning(draft.flow);
    const agents = this.options.agents?.() ?? [];
    return [
      ...draft.warnings, ...(ends ? [ends] : []), ...surveyTextWarnings(draft.flow), ...(agents.length > 0 ? unknownAgents(draft.flow, agents) : []),
      ...this.sharedTriggerWarnings(file, draft, sharedTrigger),
    ].sort((a, b) => a.line - b.line);
  }

  // `forTrigger` serves files in name order, and the runtime starts the first flow it gives.
  private sharedTriggerWarnings(file: string, draft: Draft, files: 'both' | 'later'): FlowError[] {
    const { flow, triggerLine } = draft;
    const { trigger } = flow;
    const same = this.forTrigger(trigger.on, trigger.on === 'conversation.opened' ? trigger.source : undefined)
      .filter((served) => served.file !== file && (files === 'both' || served.file < file));
    return same.map((served) => (
      served.file < file
        ? new FlowError(
          file, triggerLine, `flow "${flow.name}" would not run: flow "${served.name}" (${served.file}) starts on the same trigger, and of two such flows only the first file by name runs`,
          `give this flow another trigger, or remove flow "${served.name}" first`, undefined,
          { kind: 'sharedTrigger', flow: flow.name, other: served.name, otherFile: served.file, notRunning: 'this' },
        )
        : new FlowError(
          file, triggerLine, `flow "${served.name}" (${served.file}) starts on the same trigger and would no longer run: of two such flows only the first file by name runs`,
          `remove flow "${served.name}" if this one replaces it, or give this flow another trigger`, undefined,
          { kind: 'sharedTrigger', flow: flow.name, other: served.name, otherFile: served.file, notRunning: 'other' },
        )
    ));
  }

  /**
   * Everything that would refuse `text` as the file `file` (e.g. `flows/support.yaml`) if it were saved now, with
   * the same checks as loading it: the script's own, the fields it reads against those the other flows save, the
   * teams it names, and a flow name another file serves.
   *
   *     const errors = flows.check('flows/support.yaml', text); // [] when it would go into service
   */
  check(file: string, text: string): FlowError[] {
    const result = this.compile(file, text);
    if ('errors' in result) return [...result.errors];
    const { draft } = result;
    const known = new Set(BUILTIN_FIELDS);
    for (const [other, flow] of this.serving) if (other !== file) for (const field of flow.saves) known.add(field);
    for (const field of draft.flow.saves) known.add(field);
    const teams = this.options.teams?.() ?? [];
    const errors = [...unknownFields(draft, known), ...(teams.length > 0 ? unknownTeams(draft, teams) : [])];
    for (const [other, flow] of this.serving) {
      if (other !== file && flow.name === draft.flow.name) errors.push(nameTaken(file, draft, other));
    }
    return errors.sort((a, b) => a.line - b.line);
  }

  /**
   * Where the flows in service name a team (literally, in `assign` or a `classify` route) that `teams` does not have:
   * what a team.yaml with only these teams would leave without a queue. Each at its column, and of the kind
   * `teamStillRouted`, for the page that says it in its own words.
   *
   *     flows.teamsMissing(['Billing']); // [FlowError: flows/inbound.yaml:45:9: the route of intent "sales" names team "Sales", …]
   */
  teamsMissing(teams: readonly string[]): FlowError[] {
    const known = new Set(teams.map((team) => team.toLowerCase()));
    return [...this.serving.values()].flatMap((flow) => namedTeams(flow).filter((named) => !known.has(named.team.toLowerCase())).map((named) => {
      const { file, line, message, hint, column = 1 } = placed(unknownTeam(flow.file, named, teams), flow.source);
      return new FlowError(file, line, message, hint, column, {
        kind: 'teamStillRouted', team: named.team, file, line, column, ...(named.intent !== undefined ? { intent: named.intent } : {}),
      });
    }));
  }

  /**
   * The flow a file serves now (its newest good version), by the file as admins know it (`flows/inbound.yaml`).
   *
   *     flows.servedBy('flows/inbound.yaml')?.version;
   */
  servedBy(file: string): CompiledFlow | undefined {
    return this.serving.get(file);
  }

  /**
   * The flows in service (each file's newest good version), whatever their files are called: a conversation on a flow
   * none of them names runs on a flow whose file is gone (or renamed), which it finishes on.
   *
   *     flows.inService().some((flow) => flow.name === conversation.flow.flow);
   */
  inService(): readonly CompiledFlow[] {
    return [...this.serving.values()];
  }

  /**
   * Re-reads `dir`. Reloads run one at a time, in call order.
   *
   *     await flows.reload();
   */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  /**
   * Calls `listener` after each reload that found script files changed on disk (saved in a text editor, a git pull, a
   * publish), added or removed, refused ones too: a dashboard editing one is told its text is no longer the file's.
   *
   *     const off = flows.onChange((changes) => changes.forEach(({ file, version }) => console.log(file, version)));
   */
  onChange(listener: (changes: FlowFileChange[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => void this.changeListeners.delete(listener);
  }

  /** Stops watching `dir`. */
  close(): void {
    this.reloader.close();
  }

  private async read(): Promise<void> {
    const { dir, log } = this.options;
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries.filter((entry) => entry.isFile() && SCRIPT.test(entry.name)).map((entry) => entry.name).sort();
    const errors: FlowError[] = [];
    const drafts = new Map<string, Draft>();
    const failed = new Set<string>();
    /** Each file's text, to say at which column of its line an error is. */
    const texts = new Map<string, string>();
    const onDisk = new Map<string, string>();
    for (const name of names) {
      const file = `${basename(dir)}/${name}`;
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, name));
      } catch (error) {
        // Removed between listing and reading: the next change event reloads without it.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      // As the publisher reads the file (its version check), whatever its encoding.
      onDisk.set(name, versionOf(bytes.toString('utf8')));
      const decoded = utf8Text(bytes);
      if ('line' in decoded) {
        errors.push(new FlowError(
          file, decoded.line, 'the file is not UTF-8 text: this line has a character saved in another encoding (Latin-1 or Windows-1252?)',
          'save the file as UTF-8; in most editors: Save with Encoding → UTF-8', undefined, { kind: 'notUtf8' },
        ));
        failed.add(file);
        continue;
      }
      texts.set(file, decoded.text);
      const result = compileFlow(file, decoded.text);
      if ('draft' in result) drafts.set(file, result.draft);
      else {
        errors.push(...result.errors);
        failed.add(file);
      }
    }

    // Templates may read any field some loaded flow saves, including flows kept on their last good version.
    const known = new Set(BUILTIN_FIELDS);
    for (const draft of drafts.values()) for (const field of draft.flow.saves) known.add(field);
    for (const file of failed) for (const field of this.serving.get(file)?.saves ?? []) known.add(field);

    const candidates = new Map<string, { flow: CompiledFlow; draft?: Draft }>();
    const teams = this.options.teams?.() ?? [];
    for (const name of names) {
      const file = `${basename(dir)}/${name}`;
      const draft = drafts.get(file);
      const unknown = draft ? [...unknownFields(draft, known), ...(teams.length > 0 ? unknownTeams(draft, teams) : [])] : [];
      errors.push(...unknown);
      if (draft && unknown.length === 0) {
        candidates.set(file, { flow: draft.flow, draft });
        continue;
      }
      const lastGood = this.serving.get(file) ?? (await this.servedBeforeStart(file));
      if (lastGood) candidates.set(file, { flow: lastGood });
    }
    errors.push(...this.settleDuplicateNames(candidates));

    // A file refused until now says it is fixed, even when its text is the version already serving (the admin undid
    // the mistake): otherwise the log's last word on it would still be the error.
    const refusedBefore = new Set(this.fileErrors.map((error) => error.file));
    const refusedNow = new Set(errors.map((error) => error.file));
    const published = new Map<string, Draft>();
    for (const [file, { flow, draft }] of candidates) {
      if (!draft) continue;
      try {
        const fixed = refusedBefore.has(file) && !refusedNow.has(file);
        candidates.set(file, { flow: await this.publish(flow, fixed) });
        published.set(file, draft);
      } catch (error) {
        // Not stored, so not served: a conversation started on it could not resume after a restart.
        const lastGood = this.serving.get(file);
        if (lastGood) candidates.set(file, { flow: lastGood });
        else candidates.delete(file);
        const detail = (error as Error).message;
        errors.push(new FlowError(
          file, 1, `could not store this version (${detail}); ${lastGood ? 'the last good version keeps serving' : 'the flow is not in service'}`,
          'check that the store under DATA_DIR is writable, then save the file again', undefined, { kind: 'notStored', detail, serving: lastGood !== undefined },
        ));
      }
    }
    for (const [file, flow] of this.serving) {
      if (!candidates.has(file)) log.info({ file, flow: flow.name }, `flow "${flow.name}" is out of service (${file} is gone)`);
    }
    const serving = new Map([...candidates].map(([file, { flow }]) => [file, flow]));
    await this.recordServing(serving);
    this.serving = serving;
    // Kept at their columns (the file's text is not kept): /healthz names the column the log names.
    this.fileErrors = errors.map((error) => placed(error, texts.get(error.file))).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    for (const error of this.fileErrors) {
      const { fields, message } = logged(error);
      log.error(fields, message);
    }
    this.tellChanges(onDisk);
    // In service all the same, but what the editor would warn of is said to an admin who edits the files on disk too.
    for (const [file, draft] of published) {
      for (const warning of this.warningsOf(file, draft, 'later')) {
        const { fields, message } = logged(warning, draft.flow.source);
        log.warn(fields, message);
      }
    }
  }

  /** Tells the `onChange` listeners which files differ from the last read's (none at the first). */
  private tellChanges(onDisk: Map<string, string>): void {
    const before = this.onDisk;
    this.onDisk = onDisk;
    if (!before) return;
    const changes: FlowFileChange[] = [
      ...[...onDisk].filter(([file, version]) => before.get(file) !== version).map(([file, version]) => ({ file, version })),
      ...[...before.keys()].filter((file) => !onDisk.has(file)).map((file) => ({ file, version: null })),
    ];
    if (changes.length === 0) return;
    for (const listener of this.changeListeners) {
      try {
        listener(changes);
      } catch (error) {
        this.options.log.error({ err: String(error) }, 'a listener of flow file changes failed');
      }
    }
  }

  /**
   * The version `file` served when this process started, if it served one (see `recordServing`): a file broken while
   * the server was down (or saved broken, then the server restarted) keeps its last good version, as it would have
   * without the restart, instead of leaving its customers with no flow at all.
   */
  private async servedBeforeStart(file: string): Promise<CompiledFlow | undefined> {
    const served = await this.options.store.doc<{ flow: string; version: string }>(SERVING, file);
    const flow = served ? await this.version(served.flow, served.version) : undefined;
    if (flow) this.options.log.warn({ file, flow: flow.name, version: flow.version }, `${file} is refused; flow "${flow.name}" keeps serving its last good version ${flow.version}, from before the restart`);
    return flow;
  }

  /** Keeps which version each file serves, for `servedBeforeStart` after a restart; written only when it changed. */
  private async recordServing(serving: ReadonlyMap<string, CompiledFlow>): Promise<void> {
    const changed = [...serving].filter(([file, flow]) => this.recorded.get(file) !== `${flow.name}@${flow.version}`);
    if (changed.length === 0) return;
    try {
      await this.options.store.transaction(SERVING, async (tx) => {
        for (const [file, flow] of changed) tx.putDoc(SERVING, file, { flow: flow.name, version: flow.version });
      });
      for (const [file, flow] of changed) this.recorded.set(file, `${flow.name}@${flow.version}`);
    } catch (error) {
      // Serving goes on; only a restart with this file broken would miss the record.
      this.options.log.warn({ err: String(error) }, 'could not record which flow versions are in service; the next reload tries again');
    }
  }

  // Two files may not serve one flow name: the one already serving it keeps it, else the file named after the flow
  // (`inbound.yaml` for `flow: inbound`, as the dashboard publishes it), else the first by file name. A copy left
  // beside it (`inbound copy.yaml`, `inbound-old.yaml`) sorts first, and at a restart took the flow over: customers got
  // the copy's old text and the admin's own file was refused. The other file is refused and keeps its last good
  // version, if that does not clash too.
  private settleDuplicateNames(candidates: Map<string, { flow: CompiledFlow; draft?: Draft }>): FlowError[] {
    const errors: FlowError[] = [];
    const owner = new Map<string, string>();
    const files = [...candidates.keys()];
    const servedBefore = (file: string) => this.serving.get(file)?.name === candidates.get(file)!.flow.name;
    const namedAfter = (file: string) => basename(file).replace(/\.ya?ml$/i, '') === candidates.get(file)!.flow.name;
    const rank = (file: string) => (servedBefore(file) ? 0 : namedAfter(file) ? 1 : 2);
    for (const file of [...files].sort((a, b) => rank(a) - rank(b))) {
      const { flow, draft } = candidates.get(file)!;
      const taken = owner.get(flow.name);
      if (taken === undefined) {
        owner.set(flow.name, file);
        continue;
      }
      if (draft) errors.push(nameTaken(file, draft, taken));
      const lastGood = this.serving.get(file);
      if (draft && lastGood && !owner.has(lastGood.name)) {
        candidates.set(file, { flow: lastGood });
        owner.set(lastGood.name, file);
      } else {
        candidates.delete(file);
      }
    }
    return errors;
  }

  // A version is stored before it serves: a conversation can only start on a version that survives a restart,
  // and that every process sharing the store can resume. Throws when it cannot be stored.
  private async publish(flow: CompiledFlow, fixed = false): Promise<CompiledFlow> {
    const key = `${flow.name}@${flow.version}`;
    const inService = `flow "${flow.name}" version ${flow.version} in service`;
    const seen = this.versions.get(key);
    if (seen && seen.file === flow.file) {
      if (fixed) this.options.log.info({ flow: flow.name, version: flow.version, file: flow.file }, `${flow.file} is fixed: ${inService}`);
      return seen;
    }
    await this.options.store.transaction(`flow-version:${key}`, async (tx) => {
      if (await tx.doc('flow-versions', key)) return;
      tx.putDoc('flow-versions', key, { flow: flow.name, version: flow.version, source: flow.source, publishedAt: new Date().toISOString() } satisfies StoredFlowVersion);
    });
    this.versions.set(key, flow);
    if (!seen || fixed) {
      this.options.log.info({ flow: flow.name, version: flow.version, file: flow.file }, fixed ? `${flow.file} is fixed: ${inService}` : inService);
    }
    return flow;
  }
}

// Two files naming one flow: the versions in the store, and a conversation's place in a flow, go by its name.
function nameTaken(file: string, draft: Draft, other: string): FlowError {
  const { name } = draft.flow;
  return new FlowError(file, draft.nameLine, `flow name "${name}" is already used by ${other}`, 'rename one of the two flows, or move a copy kept aside out of flows/, where every .yaml file is loaded', undefined, { kind: 'flowNameTaken', flow: name, file: other });
}
