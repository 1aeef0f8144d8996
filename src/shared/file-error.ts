// The error a person reads when a file they edit (a flow script, team.yaml, training data) is refused:
// file, line, column, reason and, where obvious, the fix.

/**
 * One reason a file was refused, pointing at the line to fix.
 *
 *     const error = new FileError('flows/inbound.yaml', 12, 'unknown step kind "sya"', 'did you mean "say"?', 5);
 *     String(error); // 'flows/inbound.yaml:12:5: unknown step kind "sya" (did you mean "say"?)'
 *
 * `String(error)` names the column when it is known (the parser gave it, or `placed` found it), as the log and
 * `/healthz` do, so that every place an admin reads the error points at the same spot.
 */
export class FileError extends Error {
  override readonly name: string = 'FileError';

  constructor(
    /** The file as an admin knows it, e.g. `flows/inbound.yaml`. */
    readonly file: string,
    /** 1-based line in that file. */
    readonly line: number,
    /** What is wrong, without the fix. */
    message: string,
    /** How to fix it, when that is obvious. */
    readonly hint?: string,
    /** 1-based column in that line, when the reader knows it (a YAML syntax error). */
    readonly column?: number,
    /** What the error is, for a page that says it in its own words; only the commonest errors carry it. */
    readonly known?: KnownFileError,
  ) {
    super(message);
  }

  override toString(): string {
    return `${this.file}:${this.line}:${this.column !== undefined ? `${this.column}:` : ''} ${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }

  /** The same error (of the same kind: a FlowError stays one) at `column` of its line. */
  atColumn(column: number): this {
    const Kind = this.constructor as new (file: string, line: number, message: string, hint?: string, column?: number, known?: KnownFileError) => this;
    return new Kind(this.file, this.line, this.message, this.hint, column, this.known);
  }
}

/**
 * What an error is, for a page that says it in its own words (the dashboard in Arabic): a stable kind and what it
 * names, as written in the file (a key, a step kind, an intent). Only the errors admins meet most carry one; a page
 * reads the others as the message says them. `detail` and `hint` are the parser's own (English) words.
 *
 *     new FlowError(file, 4, 'unknown step kind "sya"', 'did you mean "say"?', undefined, { kind: 'unknownStepKind', name: 'sya', suggestion: 'say', allowed });
 */
export type KnownFileError =
  | { kind: 'yamlSyntax'; detail: string; hint?: string }
  // A text in quotes whose closing quote is missing: `quote` is the one that opens it (" or ').
  | { kind: 'unclosedQuote'; quote: string }
  // An invisible control character (a NUL, a BEL…) in the text, pasted in (`escaped: false`) or written by an escape in
  // a quoted text (`escaped: true`, `"\0"`): `character` as the message names it, `U+0007 (BEL)`.
  | { kind: 'controlCharacter'; character: string; escaped: boolean }
  // A text that starts with ! (`say: !Hello there`), which YAML reads as a tag and drops: `tag` as written, `!Hello`.
  | { kind: 'yamlTag'; tag: string }
  // A text that starts with * or & (WhatsApp's bold, `say: *Thanks* for waiting`), which YAML reads as an alias or an
  // anchor: `alias` as written, with its sign, `*Thanks*` (`&` alone for `say: & Co`); with `key`, an anchor no alias
  // repeats written before that key (`- &billing name: Billing`), to be removed rather than quoted.
  | { kind: 'yamlAlias'; alias: string; key?: string }
  // Aliases (`*name`) that repeat their anchors (`&name`) more than `limit` times in all, aliases of aliases (a
  // "billion laughs"): a few lines that would read as gigabytes.
  | { kind: 'yamlAliasLimit'; limit: number }
  | { kind: 'unknownStepKind'; name: string; suggestion?: string; allowed: string[] }
  | { kind: 'unknownKey'; name: string; suggestion?: string; allowed: string[] }
  | { kind: 'missingKey'; name: string }
  | { kind: 'noExamples'; intent: string }
  | { kind: 'writtenTwice'; name: string }
  | { kind: 'exampleOfTwo'; example: string; first: string; second: string; at: string }
  // A key's value of another type (`teams: Billing` for a list), with a list item written out (`example`) where the
  // file's reader knows one; or not one of the values it takes.
  | { kind: 'wrongType'; name: string; expected: YamlType; received: YamlType; example?: string }
  | { kind: 'notOneOf'; name: string; suggestion?: string; allowed: string[] }
  // An item of the list `name` of another type (`teams: [3]` for a list of maps), `item` its position from 1, with
  // an item written out (`example`) where the file's reader knows one; team.yaml that is no map of keys at all.
  | { kind: 'wrongItemType'; name: string; item: number; expected: YamlType; received: YamlType; example?: string }
  | { kind: 'fileNotMap'; received: YamlType }
  | { kind: 'empty'; name: string }
  // An item of the list `name` left empty (`teams: [""]`), `item` its position from 1.
  | { kind: 'emptyItem'; name: string; item: number }
  // team.yaml without a team that a flow in service still hands customers to (`assign`, or the route of `intent`).
  | { kind: 'teamStillRouted'; team: string; file: string; line: number; column: number; intent?: string }
  // A flow naming a team team.yaml does not have (`assign`, or the route of `intent`), with the teams it has.
  | { kind: 'unknownTeam'; team: string; intent?: string; suggestion?: string; teams: string[] }
  // team.yaml's own: an agent (by name, or by position when it has none) in a team the file does not define (`teams`:
  // those it does); a team or an agent named as one above it (at `firstLine`); an address already given to another
  // agent (on `line`); an agent with no address (`keys`: those it could have, `example`: one written out), or one its
  // channel does not understand; an address without its sign-in secret (`secretKey`), or a secret shorter than
  // `minimum`; a max_open that is no whole number of 1 or more (`value`, as written); a team with more than one desk
  // group (`keys`: the desk keys it writes); an agent name without a letter or a digit, which names no one.
  | { kind: 'agentInUnknownTeam'; agent: string | number; team: string; suggestion?: string; teams: string[] }
  | { kind: 'namedTwice'; what: 'team' | 'agent'; name: string; firstLine: number }
  | { kind: 'addressTaken'; key: string; address: string; owner: string | number; line: number }
  | { kind: 'noAddress'; agent: string | number; keys: string[]; example: string }
  | { kind: 'badAddress'; key: string; address: string; example: string }
  | { kind: 'noSecret'; agent: string | number; key: string; secretKey: string }
  | { kind: 'shortSecret'; secretKey: string; minimum: number }
  | { kind: 'badMaxOpen'; value: string }
  // A `timezone:` that is no time zone (`Asia/Riyadth`): whose it is (an agent's, a team's; the file's without either).
  | { kind: 'badTimeZone'; zone: string; agent?: string | number; team?: string; suggestion?: string }
  | { kind: 'manyDesks'; team: string; keys: string[] }
  | { kind: 'nameWithoutLetters'; name: string }
  // team.yaml saved with nothing in it (empty, or comments only) over one with `teams` teams and `agents` agents in
  // service: what an editor's save cut short leaves; refused, or every agent's customers would go back to the queue.
  // `missing`: deleted, or moved away.
  | { kind: 'teamFileEmptied'; teams: number; agents: number; missing?: true }
  // A flow's warnings (it goes into service all the same): a pattern no answer (`of: 'answer'`, an ask's expect) or no
  // value (`of: 'value'`, a branch's matches) tried passes, `tried` the texts tried that it names; a pattern that takes
  // any answer (`oneLine`: any written on one line); a text a # comment cut short (customers read `text`, not `#cut`);
  // a flow that can run past its last step without close or assign; a closing survey's question that takes any text;
  // a flow on the trigger of `other` (in `otherFile`): of the two, this one would not run (`notRunning: 'this'`), or
  // the other would no longer.
  | { kind: 'noneTriedPasses'; of: 'answer' | 'value'; pattern: string; tried: string[] }
  | { kind: 'takesAnyAnswer'; oneLine: boolean }
  | { kind: 'cutByComment'; text: string; cut: string }
  | { kind: 'endsUnsaid'; flow: string }
  | { kind: 'surveyTakesText' }
  // An assign's `agent:` naming nobody in team.yaml (renamed there with new addresses, or removed): the conversation
  // would be queued for the team, for nobody in particular; `agents`: those team.yaml has.
  | { kind: 'unknownAgent'; agent: string; suggestion?: string; agents: string[] }
  // An ask's `regex:` with neither `example:` nor `invalid:`: a refused customer is told only "That doesn't look right…".
  | { kind: 'regexUnexplained'; pattern: string }
  | { kind: 'sharedTrigger'; flow: string; other: string; otherFile: string; notRunning: 'this' | 'other' }
  // A flow's patterns that refuse it: one no answer (`of: 'answer'`, an ask's `expect: regex:`) or no value
  // (`of: 'value'`, a branch's `matches:`) can match, `because` the reader's own (English) words for the part to blame;
  // an ask's pattern that takes only an empty answer (`blank: false`; `pattern: ''` when regex: has none after it) or
  // only spaces (`blank: true`); a pattern JavaScript does not take, `detail` its own (English) words; an expect that
  // is none of `allowed` (nor regex:<pattern>).
  | { kind: 'neverMatches'; of: 'answer' | 'value'; pattern: string; because: string }
  | { kind: 'onlyEmptyAnswer'; pattern: string; blank: boolean }
  // A question's `example:` that its own pattern refuses.
  | { kind: 'exampleRefused'; example: string; pattern: string }
  | { kind: 'invalidPattern'; pattern: string; detail: string }
  | { kind: 'unknownExpect'; name: string; suggestion?: string; allowed: string[] }
  // A goto to a step id the file does not have (`ids`: those it has); a step id a step above (on `firstLine`) has too.
  | { kind: 'unknownGotoTarget'; target: string; suggestion?: string; ids: string[] }
  | { kind: 'stepIdTwice'; id: string; firstLine: number }
  // A field no flow saves and no builtin is, read by a step or (`inTemplate`) in a text's {{…}}.
  | { kind: 'unknownField'; field: string; inTemplate: boolean; suggestion?: string }
  // A flow script's shape: an empty file, or one that is no map (a list, a text: `received`); a step that is no map, one without a kind key (`allowed`: the kinds), one of
  // several (`kinds`); a value written against one of the rules of `name` (a flow name's letters, a step id's, a
  // language code, a one-line label, a text or a text per language, a timeout, close, tag, a choice, a route, a set
  // value, a branch case); a number outside its range or a text longer than its limit; a value zod names only in its
  // own (English) words, `detail`, which a page quotes.
  | { kind: 'emptyFile' }
  | { kind: 'flowNotMap'; received: YamlType }
  | { kind: 'stepNotMap'; allowed: string[] }
  | { kind: 'stepWithoutKind'; allowed: string[] }
  | { kind: 'stepOfTwoKinds'; kinds: string[] }
  | { kind: SchemaRule; name: string }
  | { kind: 'outOfRange'; name: string; minimum?: number; maximum?: number }
  // A number of the wrong shape: a fraction (`retries: 1.5`) where a whole number goes; YAML's `.nan`.
  | { kind: 'notWholeNumber'; name: string }
  | { kind: 'notANumber'; name: string }
  | { kind: 'tooLong'; name: string; maximum: number }
  | { kind: 'invalidValue'; name: string; detail: string }
  // A step's keys that go together: `name` written without `needs` (`example`, it written out); a label with nothing
  // saved; an attachment question (`expect`) with an option for typed answers (`name`), or saving to a builtin `field`
  // (`example`, a field of its own); a country that is no code; two choices of one id; an else before the last case;
  // an on_fail: assign (`name`, the key) in a flow without an assign step; a goto loop (through `lines`) never waiting.
  | { kind: 'keyNeedsKey'; name: string; needs: string; example: string }
  | { kind: 'labelWithoutSave' }
  | { kind: 'attachmentTakesNo'; expect: string; name: string }
  | { kind: 'attachmentInBuiltin'; expect: string; field: string; example: string }
  | { kind: 'badCountry'; value: string }
  | { kind: 'choiceIdTwice'; id: string }
  | { kind: 'elseNotLast' }
  | { kind: 'noAssignStep'; name: string }
  | { kind: 'loopNeverWaits'; lines: number[] }
  // A branch condition: neither a value nor a map of one operator (`allowed`); an operator's value of the wrong sort
  // (`op` says which it needs); an unknown operator.
  | { kind: 'badCondition'; allowed: string[] }
  | { kind: 'conditionValue'; op: string }
  | { kind: 'unknownCondition'; name: string; suggestion?: string; allowed: string[] }
  // Fields and texts: a path that is no field; a field a flow may not write (`managed`: a record property of
  // Switchboard's); a label for a field the flow does not save (`saved`: those it does), or a second label; a
  // placeholder that is no field, or braces left open; a language key that is no language code, or a second one for
  // `language`; a map of languages with no text; a text per language without one in the flow's `language`.
  | { kind: 'notAField'; name: string }
  | { kind: 'fieldNotWritable'; field: string; managed: boolean }
  // A field named as a property every JavaScript object has (`__proto__`, `constructor`, `prototype`).
  | { kind: 'reservedField'; field: string }
  | { kind: 'labelOfUnsaved'; field: string; suggestion?: string; saved: string[] }
  | { kind: 'labelTwice'; field: string; firstLine: number }
  // A label written per language without a language the flow's texts are in (a warning): `label` is what they read.
  | { kind: 'labelLacksLanguage'; field: string; language: string; label: string }
  | { kind: 'placeholderNotField'; placeholder: string }
  | { kind: 'unbalancedBraces' }
  | { kind: 'notLanguage'; tag: string }
  | { kind: 'languageTwice'; tag: string; language: string }
  | { kind: 'noTexts'; name: string }
  | { kind: 'noFlowLanguageText'; name: string; language: string }
  // Between flow files: a name another file (`file`) serves; a file saved in another encoding than UTF-8; a version
  // the store could not keep (`detail`, its own words; `serving`, whether the last good one still serves); a flow
  // whose `flow:` (`flow`) is not the name it is published as (`published`).
  | { kind: 'flowNameTaken'; flow: string; file: string }
  | { kind: 'notUtf8' }
  | { kind: 'notStored'; detail: string; serving: boolean }
  | { kind: 'nameMismatch'; flow: string; published: string };

/**
 * What the rule a flow script's value breaks is about, as the schema states it (`SCHEMA_RULES` in src/flows/rules.ts):
 * a flow name, a step id, a language code, a label of one line, a text (or a text per language), a timeout, a close,
 * a tag, a choice, a classify route, a set value, a branch case.
 */
export type SchemaRule =
  | 'badFlowName' | 'badStepId' | 'badLanguageTag' | 'labelNotOneLine' | 'notText' | 'badTimeout' | 'badClose'
  | 'badTag' | 'badChoice' | 'badRoute' | 'badSetValue' | 'badCase';

/** A value's type as YAML shows it, for `wrongType`. */
export type YamlType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null' | 'undefined' | 'other';

/** An error as the editor shows it: at its line and column (1-based). */
export interface PlacedError {
  line: number;
  column: number;
  message: string;
  known?: KnownFileError;
}

/**
 * An error at its line and column: the column the parser gave, else where the line's content starts (past a list
 * item's dash), which is where the key the error is about is written.
 *
 *     place(error, source); // { line: 5, column: 5, message: 'unknown expect "emial" (did you mean "email"?)' }
 */
export function place(error: FileError, source = ''): PlacedError {
  const text = source.split('\n')[error.line - 1] ?? '';
  const start = /^[ \t]*(?:-[ \t]+)?/.exec(text)?.[0].length ?? 0;
  const message = `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  return { line: error.line, column: error.column ?? start + 1, message, ...(error.known ? { known: error.known } : {}) };
}

/**
 * `error` with its column known: its own, else the one `place` finds in `source` (the file's text). A loader keeps its
 * refusals placed so that what reports them later (`/healthz`, without the text) names the column the log named.
 *
 *     placed(error, source).column; // 5
 */
export function placed<E extends FileError>(error: E, source = ''): E {
  return error.column !== undefined ? error : error.atColumn(place(error, source).column);
}

/**
 * An error (or a warning) as the log says it: the fields a log search filters on, and the message with the file,
 * line and column an editor jumps to, at the column the dashboard's editor underlines from. `source`: the file's
 * text, when it could be read.
 *
 *     const { fields, message } = logged(error, text);
 *     log.error(fields, message); // { file, line: 5, column: 5 } 'flows/inbound.yaml:5:5: unknown expect "emial" (…)'
 */
export function logged(error: FileError, source = ''): { fields: { file: string; line: number; column: number }; message: string } {
  const { line, column, message } = place(error, source);
  return { fields: { file: error.file, line, column }, message: `${error.file}:${line}:${column}: ${message}` };
}
