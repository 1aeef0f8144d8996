// Compiles one flow script: YAML → top-level schema → each step's schema and checks → file-wide checks
// (goto targets, duplicate ids, loops that never wait). Whether the fields its templates name exist
// depends on every loaded flow, so that last check is separate (`unknownFields`).
import { z } from 'zod';
import { FlowError } from './errors.ts';
import type { KnownFileError } from '../shared/file-error.ts';
import { parseFieldPath, writeRefusal, type FieldRef } from './fields.ts';
import { describeIssue, keyOf, yamlType } from '../shared/schema-issues.ts';
import { schemaRule } from './rules.ts';
import { spinningLoop } from './loops.ts';
import { LANGUAGE_TAG, LANGUAGE_TAG_HINT, variantIn, type Localized, type LocalizedSource } from './language.ts';
import { flowFileSchema } from './schema.ts';
import { knownYamlError, parseYamlSource, type YamlSource } from '../shared/yaml-source.ts';
import { isStepKind, stepKind, stepKinds, type StepKindName } from './steps/index.ts';
import type { CompileContext, Path, StepExits } from './steps/step.ts';
import { didYouMean, suggest } from '../shared/suggest.ts';
import { parseTemplate, templateFields, type Template } from './template.ts';
import type { CompiledFlow, CompiledStep } from './types.ts';
import { versionOf } from './versions.ts';
import { agentId } from '../handover/team.ts';

/** A script that passed every check of its own; its field reads still need checking against all flows. */
export interface Draft {
  flow: CompiledFlow;
  /** Every field the script reads, with the line and the phrase for an error. */
  reads: { field: string; line: number; where: string }[];
  /** The line of `flow:`, where a duplicate name is reported. */
  nameLine: number;
  /** The line of `trigger:`, where a flow sharing it with another is warned of. */
  triggerLine: number;
  /** What goes into service all the same but is worth the admin's eye: a text a comment cut short. */
  warnings: FlowError[];
}

// Keys that belong to some step kind without naming one: a step made only of these has no kind at all.
const OPTION_KEYS = new Set(
  Object.values(stepKinds).flatMap((kind) => (kind.schema instanceof z.ZodObject ? Object.keys(kind.schema.shape) : [])),
);
const KIND_NAMES = Object.keys(stepKinds);
const NOT_A_FIELD_HINT = 'write contact.<field> or conversation.<field>, e.g. contact.email';

/**
 * Compiles a script, or returns everything wrong with it, each error with its line.
 *
 *     const result = compileFlow('flows/inbound.yaml', text);
 *     if ('errors' in result) console.log(result.errors.map(String).join('\n'));
 */
export function compileFlow(file: string, text: string): { draft: Draft } | { errors: FlowError[] } {
  const parsed = parseYamlSource(text);
  if ('errors' in parsed) {
    return {
      errors: parsed.errors.map(
        (error) => new FlowError(
          file, error.line, `YAML syntax error: ${error.reason}`, error.hint ?? 'check the indentation and quotes around here', error.column,
          knownYamlError(error),
        ),
      ),
    };
  }
  const compiler = new FileCompiler(file, parsed.source);
  const draft = compiler.compile(text);
  return draft && compiler.errors.length === 0 ? { draft } : { errors: sortByLine(compiler.errors) };
}

/**
 * The reads of a draft that name no known field (a builtin or a field some loaded flow saves).
 *
 *     const errors = unknownFields(draft, new Set([...BUILTIN_FIELDS, ...allSaves]));
 */
export function unknownFields(draft: Draft, known: ReadonlySet<string>): FlowError[] {
  const reported = new Set<string>();
  return draft.reads
    .filter((read) => !known.has(read.field) && !reported.has(`${read.line} ${read.field}`) && reported.add(`${read.line} ${read.field}`))
    .map((read) => {
      const suggestion = closestField(read.field, known);
      return new FlowError(
        draft.flow.file,
        read.line,
        `unknown field "${read.field}"${read.where}`,
        suggestion !== undefined ? `did you mean "${suggestion}"?` : 'a field exists once a flow saves it with ask … save: or set:, or use a builtin like contact.name',
        undefined,
        { kind: 'unknownField', field: read.field, inTemplate: read.where !== '', ...(suggestion !== undefined ? { suggestion } : {}) },
      );
    });
}

/** A team a script names literally: an `assign` team without placeholders, or the team of a `classify` route of `intent`. */
export interface NamedTeam {
  team: string;
  line: number;
  intent?: string;
}

/**
 * The teams a script names literally, each at its line: the queues its conversations go to whatever they say.
 *
 *     namedTeams(flow); // [{ team: 'Sales', line: 5 }, { team: 'Billing', line: 9, intent: 'billing' }]
 */
export function namedTeams(flow: Pick<CompiledFlow, 'steps'>): NamedTeam[] {
  const named: NamedTeam[] = [];
  for (const step of flow.steps) {
    if (step.kind === 'assign') {
      const { parts } = step.spec.team;
      if (parts.every((part) => typeof part === 'string')) named.push({ team: parts.join(''), line: step.line });
    } else if (step.kind === 'classify') {
      for (const route of step.spec.routes) named.push({ team: route.team, line: route.line ?? step.line, intent: route.intent });
    }
  }
  return named;
}

/**
 * The error of `file` naming a team (`named`) that team.yaml, with `teams`, does not have.
 *
 *     String(unknownTeam('flows/routing.yaml', { team: 'Sales', line: 5 }, ['Billing'])); // 'flows/routing.yaml:5: assign names team "Sales", …'
 */
export function unknownTeam(file: string, named: NamedTeam, teams: readonly string[]): FlowError {
  const where = named.intent === undefined ? 'assign' : `the route of intent "${named.intent}"`;
  const suggestion = suggest(named.team, teams);
  return new FlowError(
    file, named.line, `${where} names team "${named.team}", which team.yaml does not have`,
    suggestion !== undefined ? `did you mean "${suggestion}"?` : `teams in team.yaml: ${teams.join(', ')}`, undefined,
    { kind: 'unknownTeam', team: named.team, ...(named.intent !== undefined ? { intent: named.intent } : {}), ...(suggestion !== undefined ? { suggestion } : {}), teams: [...teams] },
  );
}

/**
 * The teams a script names literally (an `assign` team without placeholders, a `classify` route) that team.yaml
 * does not have: such a conversation would wait in a queue no agent serves, so the script is refused at load.
 *
 *     const errors = unknownTeams(draft, directory.teams().map((team) => team.name));
 */
export function unknownTeams(draft: Pick<Draft, 'flow'>, teams: readonly string[]): FlowError[] {
  const known = new Set(teams.map((team) => team.toLowerCase()));
  return namedTeams(draft.flow).filter((named) => !known.has(named.team.toLowerCase())).map((named) => unknownTeam(draft.flow.file, named, teams));
}

/**
 * The warnings of a script whose `assign` names an agent (`agent: Omar`, without placeholders) that team.yaml, with
 * the agents `agents` (their names), does not have: its conversations would be queued for the team, for nobody in
 * particular. A name matches as the runtime finds it: whatever its case, or by the agent's id.
 *
 *     unknownAgents(draft.flow, ['Omar Khalid', 'Sara']); // [FlowError: flows/inbound.yaml:4: assign names agent "Omar", …]
 */
export function unknownAgents(flow: Pick<CompiledFlow, 'steps' | 'file'>, agents: readonly string[]): FlowError[] {
  const known = new Set(agents.flatMap((name) => [name.toLowerCase(), agentId(name)]));
  return flow.steps.flatMap((step) => {
    const parts = step.kind === 'assign' ? step.spec.agent?.parts : undefined;
    if (!parts?.every((part) => typeof part === 'string')) return [];
    const agent = parts.join('');
    if (known.has(agent.trim().toLowerCase()) || known.has(agentId(agent))) return [];
    const suggestion = suggest(agent, agents);
    return [new FlowError(
      flow.file, step.line, `assign names agent "${agent}", whom team.yaml does not have by that name: this step's customers go to them only while team.yaml reaches them at an address they had then, and are otherwise queued for the team, for nobody in particular`,
      suggestion !== undefined ? `did you mean "${suggestion}"?` : `agents in team.yaml: ${agents.join(', ')}`, undefined,
      { kind: 'unknownAgent', agent, ...(suggestion !== undefined ? { suggestion } : {}), agents: [...agents] },
    )];
  });
}

// Field paths share their scope prefix, so names are compared within a scope; the same name in the other
// scope (contact.need for conversation.need) is the other likely slip.
function closestField(path: string, known: ReadonlySet<string>): string | undefined {
  const dot = path.indexOf('.');
  const scope = path.slice(0, dot);
  const name = path.slice(dot + 1);
  const names = [...known].filter((field) => field.startsWith(`${scope}.`)).map((field) => field.slice(dot + 1));
  const near = suggest(name, names);
  if (near !== undefined) return `${scope}.${near}`;
  return [...known].find((field) => field.endsWith(`.${name}`));
}

class FileCompiler {
  readonly errors: FlowError[] = [];
  private readonly warnings: FlowError[] = [];
  private readonly reads: Draft['reads'] = [];
  private readonly saves = new Set<string>();
  private readonly labels = new Map<string, { label: Localized<string>; line: number; at: Path }>();
  /** The languages the flow's texts (its questions, says, notices) are written in. */
  private readonly textLanguages = new Set<string>();
  private readonly targets: { id: string; at: Path }[] = [];
  private readonly required: { kind: string; at: Path; reason: string; known: KnownFileError }[] = [];
  /** The flow's `language:` in lower case, when it has a valid one. */
  private language: string | undefined;

  constructor(private readonly file: string, private readonly source: YamlSource) {}

  compile(text: string): Draft | undefined {
    const value = this.source.value;
    if (value === null || value === undefined) {
      this.report([], 'the file is empty', 'a flow script starts with flow: <name>, then trigger: and steps:', { kind: 'emptyFile' });
      return undefined;
    }
    if (!isRecord(value)) {
      const received = yamlType(Array.isArray(value) ? 'array' : typeof value);
      this.report([], `the flow script must be a map, not ${received === 'array' ? 'a list' : received === 'string' ? 'a text' : `a ${received}`}`, 'a flow script starts with flow: <name>, then trigger: and steps:', { kind: 'flowNotMap', received });
      return undefined;
    }
    const top = flowFileSchema.safeParse(value);
    if (!top.success) {
      for (const issue of top.error.issues) this.problems(issue, flowFileSchema, [], 'the flow script');
    }
    // Read before the steps (which need it for their texts), and also when the top level has other errors.
    if (isRecord(value) && typeof value.language === 'string' && LANGUAGE_TAG.test(value.language)) this.language = value.language.toLowerCase();
    const rawSteps = isRecord(value) && Array.isArray(value.steps) ? value.steps : [];
    const steps = rawSteps.map((raw, index) => this.step(raw, index));
    const stepIndex = this.stepIds(rawSteps);
    const rawNotices = isRecord(value) && isRecord(value.notices) ? value.notices : {};
    const notices = Object.fromEntries(
      Object.entries(rawNotices).flatMap(([moment, text]) => (isText(text) ? [[moment, this.text(text, ['notices', moment])]] : [])),
    );
    this.fieldLabels(isRecord(value) && isRecord(value.fields) ? value.fields : {});
    this.checkLabelLanguages();
    // No errors means every step compiled.
    const compiled = steps.filter((step) => step !== undefined);
    if (!top.success || this.errors.length > 0) return undefined;

    this.checkTargets(stepIndex);
    this.checkRequiredKinds(compiled);
    // The loop check follows gotos, so it needs every target to exist.
    if (this.errors.length === 0) this.checkLoops(compiled, stepIndex);
    if (this.errors.length > 0) return undefined;

    return {
      flow: {
        name: top.data.flow,
        version: versionOf(text),
        file: this.file,
        source: text,
        trigger: top.data.trigger,
        steps: compiled,
        stepIndex,
        saves: [...this.saves],
        labels: new Map([...this.labels].map(([field, { label }]) => [field, label])),
        notices,
      },
      reads: this.reads,
      nameLine: this.source.lineOf(['flow']),
      triggerLine: this.source.lineOf(['trigger']),
      warnings: this.warnings,
    };
  }

  private step(raw: unknown, index: number): CompiledStep | undefined {
    const at: Path = ['steps', index];
    if (!isRecord(raw) || Object.keys(raw).length === 0) {
      this.report(at, 'a step is a map with one kind key', `e.g. - say: "Hello", one of ${KIND_NAMES.join(', ')}`, { kind: 'stepNotMap', allowed: [...KIND_NAMES] });
      return undefined;
    }
    const keys = Object.keys(raw);
    const kinds = keys.filter(isStepKind);
    const [kindName, second] = kinds;
    if (kindName === undefined) {
      const unknown = keys.find((key) => !OPTION_KEYS.has(key) && key !== 'id');
      if (unknown === undefined) {
        this.report(at, 'this step has no kind', `start it with one of ${KIND_NAMES.join(', ')}`, { kind: 'stepWithoutKind', allowed: [...KIND_NAMES] });
      } else {
        const suggestion = suggest(unknown, KIND_NAMES);
        this.report(
          [...at, unknown], `unknown step kind "${unknown}"`, suggestion !== undefined ? `did you mean "${suggestion}"?` : `use one of ${KIND_NAMES.join(', ')}`,
          { kind: 'unknownStepKind', name: unknown, ...(suggestion !== undefined ? { suggestion } : {}), allowed: [...KIND_NAMES] },
        );
      }
      return undefined;
    }
    if (second !== undefined) {
      this.report([...at, second], `a step has one kind, this one has ${kinds.join(' and ')}`, 'split it into separate steps', { kind: 'stepOfTwoKinds', kinds });
      return undefined;
    }
    return this.load(kindName, raw, at);
  }

  // Generic in the kind, so the spec its load returns is known to be that kind's.
  private load<K extends StepKindName>(kindName: K, raw: Record<string, unknown>, at: Path): CompiledStep<K> | undefined {
    const kind = stepKind(kindName);
    const loaded = kind.load(raw, this.context(at));
    if ('issues' in loaded) {
      for (const issue of loaded.issues) this.problems(issue, kind.schema, at, `${withArticle(kindName)} step`);
      return undefined;
    }
    const step: CompiledStep<K> = { kind: kindName, line: this.source.lineOf(at), spec: loaded.spec };
    if (loaded.id !== undefined) step.id = loaded.id;
    return step;
  }

  private context(prefix: Path): CompileContext {
    const at = (path: Path): Path => [...prefix, ...path];
    return {
      error: (path, reason, hint, known) => this.report(at(path), reason, hint, known),
      warn: (path, reason, hint, known) => this.warnings.push(new FlowError(this.file, this.source.lineOf(at(path)), reason, hint, undefined, known)),
      lineOf: (path) => this.source.lineOf(at(path)),
      template: (text, path) => this.template(text, at(path)),
      text: (text, path) => this.text(text, at(path)),
      title: (text, path) => this.localized(text, at(path), (title) => title),
      readField: (field, path) => {
        const ref = this.field(field, at(path));
        this.reads.push({ field, line: this.source.lineOf(at(path)), where: '' });
        return ref;
      },
      writeField: (field, path) => {
        const ref = this.field(field, at(path));
        const refusal = writeRefusal(ref);
        if (refusal) this.report(at(path), refusal.reason, refusal.hint, refusal.known);
        else this.saves.add(ref.path);
        return ref;
      },
      label: (field, label, path) => this.label(field.path, label, at(path)),
      target: (id, path) => {
        this.targets.push({ id, at: at(path) });
        return id;
      },
      requireKind: (kind, path, reason, known) => this.required.push({ kind, at: at(path), reason, known }),
      regex: (pattern, flags, path) => {
        try {
          return new RegExp(pattern, `${flags}u`);
        } catch (error) {
          const detail = (error as Error).message.split(': ').pop();
          this.report(
            at(path), `invalid regular expression "${pattern}": ${detail}`, 'escape characters like ( [ { . + * ? with a backslash',
            { kind: 'invalidPattern', pattern, detail: detail ?? '' },
          );
          return /(?!)/u;
        }
      },
    };
  }

  // `fields:` labels what the flow saves: a label for a field it does not save names nothing an agent would see.
  private fieldLabels(fields: Record<string, unknown>): void {
    for (const [field, entry] of Object.entries(fields)) {
      if (!isRecord(entry) || !isText(entry.label)) continue;
      if (this.saves.has(field)) {
        this.label(field, entry.label, ['fields', field, 'label']);
        continue;
      }
      const saved = [...this.saves];
      if (!parseFieldPath(field)) {
        this.report(['fields', field], `"${field}" is not a field`, didYouMean(field, saved) ?? NOT_A_FIELD_HINT, { kind: 'notAField', name: field });
        continue;
      }
      const hint = didYouMean(field, saved) ?? (saved.length > 0 ? `fields this flow saves: ${saved.join(', ')}` : 'label the fields this flow saves with ask … save: or set:');
      const suggestion = suggest(field, saved);
      this.report(
        ['fields', field], `fields: labels "${field}", which this flow does not save`, hint,
        { kind: 'labelOfUnsaved', field, ...(suggestion !== undefined ? { suggestion } : {}), saved },
      );
    }
  }

  private label(field: string, label: LocalizedSource, at: Path): void {
    const first = this.labels.get(field);
    if (first) {
      this.report(
        at, `"${field}" has a label already, at line ${first.line}`, 'give a field one label in a flow: agents read it wherever the field shows',
        { kind: 'labelTwice', field, firstLine: first.line },
      );
      return;
    }
    this.labels.set(field, { label: this.localized(label, at, (variant) => variant.trim()), line: this.source.lineOf(at), at });
  }

  private template(text: string, at: Path): Template {
    const parsed = parseTemplate(text);
    if ('reason' in parsed) {
      this.report(at, parsed.reason, parsed.hint, parsed.known);
      return { source: text, parts: [] };
    }
    for (const field of templateFields(parsed.template)) {
      this.reads.push({ field: field.path, line: this.source.lineOf(at), where: ' in a template' });
    }
    return parsed.template;
  }

  private text(text: LocalizedSource, at: Path): Localized<Template> {
    const compiled = this.localized(text, at, (variant, variantAt) => this.template(variant, variantAt));
    for (const language of compiled.variants.keys()) this.textLanguages.add(language);
    return compiled;
  }

  // A customer or agent whose language the flow speaks would read the label in another one, inside their own words
  // (the card, «صحّح ليلى Email من …»): a warning, as the file still works.
  private checkLabelLanguages(): void {
    for (const [field, { label, at }] of this.labels) {
      if (label.variants.size === 0) continue;
      for (const language of this.textLanguages) {
        if (variantIn(label, language) !== undefined) continue;
        this.warnings.push(new FlowError(
          this.file, this.source.lineOf(at), `the label of "${field}" has no "${language}" text, though the flow's texts have one: customers and agents who read "${language}" see "${label.fallback}" on the card and in the agent's lines`,
          `add ${language}: "…" to the label`, undefined, { kind: 'labelLacksLanguage', field, language, label: label.fallback },
        ));
      }
    }
  }

  // Each variant is compiled at its own line; a plain text is one variant for every language.
  private localized<T>(text: LocalizedSource, at: Path, compile: (variant: string, at: Path) => T): Localized<T> {
    if (typeof text === 'string') {
      this.warnIfCut(text, at);
      return { variants: new Map(), fallback: compile(text, at) };
    }
    for (const [tag, variant] of Object.entries(text)) this.warnIfCut(variant, [...at, tag]);
    const name = String(at[at.length - 1]);
    const variants = new Map<string, T>();
    for (const [tag, variant] of Object.entries(text)) {
      const key = tag.toLowerCase();
      if (!LANGUAGE_TAG.test(tag)) {
        this.report([...at, tag], `"${tag}" is not a language`, `a text per language is a map like { en: "Hello", ar: "مرحبا" }; ${LANGUAGE_TAG_HINT}`, { kind: 'notLanguage', tag });
      } else if (variants.has(key)) {
        this.report([...at, tag], `"${tag}" gives a second text for the language "${key}"`, 'keep one of the two', { kind: 'languageTwice', tag, language: key });
      } else {
        variants.set(key, compile(variant, [...at, tag]));
      }
    }
    const [first] = variants.values();
    if (Object.keys(text).length === 0) {
      this.report(at, `"${name}" has no text: its map of languages is empty`, 'write a text, or a text per language like { en: "Hello", ar: "مرحبا" }', { kind: 'noTexts', name });
    } else if (this.language !== undefined && variants.size > 0 && !variants.has(this.language)) {
      this.report(
        at, `"${name}" has no "${this.language}" text, the flow's language`, `add ${this.language}: "…"; customers whose language has no text of its own see that one`,
        { kind: 'noFlowLanguageText', name, language: this.language },
      );
    }
    const fallback = (this.language === undefined ? undefined : variants.get(this.language)) ?? first;
    // An empty or wrong map is reported: the file is refused, so its placeholder text never shows.
    return { variants, fallback: fallback ?? compile('', at) };
  }

  // The customer would read "Press" for `say: Press #1 for billing`: valid YAML, so a warning, not a refusal.
  private warnIfCut(text: string, at: Path): void {
    const cut = this.source.cutByComment(at);
    if (cut === undefined) return;
    this.warnings.push(new FlowError(
      this.file, this.source.lineOf(at), `customers read "${text}": the rest, "#${cut}", is a YAML comment, as a # after a space starts one`, `put the whole text in quotes: "${text} #${cut}"`,
      undefined, { kind: 'cutByComment', text, cut },
    ));
  }

  private field(path: string, at: Path): FieldRef {
    const ref = parseFieldPath(path);
    if (ref) return ref;
    this.report(at, `"${path}" is not a field`, NOT_A_FIELD_HINT, { kind: 'notAField', name: path });
    return { path, scope: 'conversation', name: path };
  }

  // Read from the raw steps, so a duplicate id is reported even when the steps carrying it have other errors.
  private stepIds(rawSteps: readonly unknown[]): Map<string, number> {
    const stepIndex = new Map<string, number>();
    rawSteps.forEach((raw, index) => {
      const id = isRecord(raw) ? raw.id : undefined;
      if (typeof id !== 'string') return;
      const first = stepIndex.get(id);
      if (first === undefined) stepIndex.set(id, index);
      else {
        const line = this.source.lineOf(['steps', first, 'id']);
        this.report(['steps', index, 'id'], `duplicate step id "${id}"`, `line ${line} has it already; give each step its own id`, { kind: 'stepIdTwice', id, firstLine: line });
      }
    });
    return stepIndex;
  }

  private checkTargets(stepIndex: ReadonlyMap<string, number>): void {
    for (const { id, at } of this.targets) {
      if (stepIndex.has(id)) continue;
      const ids = [...stepIndex.keys()];
      const suggestion = suggest(id, ids);
      this.report(
        at,
        `goto target "${id}" is not a step id in this file`,
        suggestion !== undefined ? `did you mean "${suggestion}"?` : ids.length > 0 ? `step ids here: ${ids.join(', ')}` : `give the step to go to an id: ${id}`,
        { kind: 'unknownGotoTarget', target: id, ...(suggestion !== undefined ? { suggestion } : {}), ids },
      );
    }
  }

  private checkRequiredKinds(steps: readonly CompiledStep[]): void {
    for (const { kind, at, reason, known } of this.required) {
      if (!steps.some((step) => step.kind === kind)) this.report(at, reason, `add ${withArticle(kind)} step, or use goto:<id>`, known);
    }
  }

  private checkLoops(steps: readonly CompiledStep[], stepIndex: ReadonlyMap<string, number>): void {
    const exits = steps.map(exitsOf);
    const loop = spinningLoop(exits, stepIndex);
    if (!loop) return;
    const lines = [...loop, loop[0]!].map((index) => steps[index]!.line);
    this.report(
      ['steps', loop[loop.length - 1]!],
      `this goto loop never waits for the customer: lines ${lines.join(' → ')}`,
      'put an ask step inside the loop, so it waits for the customer each time round',
      { kind: 'loopNeverWaits', lines },
    );
  }

  // A rule a schema states in its own sentence (`SCHEMA_RULES`) is named by it; any other issue zod words only in its
  // own English, which a page quotes.
  private problems(issue: z.ZodIssue, schema: z.ZodTypeAny, prefix: Path, where: string): void {
    const rule = schemaRule(issue.message);
    const name = keyOf([...prefix, ...issue.path]) ?? where;
    for (const problem of describeIssue(issue, schema, where)) {
      const known: KnownFileError = rule !== undefined ? { kind: rule, name } : problem.known ?? { kind: 'invalidValue', name, detail: issue.message };
      this.report([...prefix, ...problem.at], problem.reason, problem.hint, known);
    }
  }

  private report(at: Path, reason: string, hint: string | undefined, known: KnownFileError): void {
    this.errors.push(new FlowError(this.file, this.source.lineOf(at), reason, hint, undefined, known));
  }
}

function exitsOf<K extends StepKindName>(step: CompiledStep<K>): StepExits {
  return stepKind(step.kind).exits(step.spec);
}

function isText(value: unknown): value is LocalizedSource {
  return typeof value === 'string' || (isRecord(value) && Object.values(value).every((variant) => typeof variant === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function sortByLine(errors: FlowError[]): FlowError[] {
  return [...errors].sort((a, b) => a.line - b.line);
}
