// Turns zod's validation issues into sentences an admin can act on, with a "did you mean" where it helps.
import { z } from 'zod';
import type { KnownFileError, YamlType } from './file-error.ts';
import type { Path } from './yaml-source.ts';
import { suggest } from './suggest.ts';

/** One thing wrong at a place in the script; `known`, what it is, for a page that words it itself. */
export interface Problem {
  at: Path;
  reason: string;
  hint?: string;
  known?: KnownFileError;
}

/**
 * Describes a zod issue found while validating against `schema` (for unknown keys, one problem per key,
 * each pointing at its own line).
 *
 *     describeIssue(issue, stepKinds.ask.schema, 'an ask step');
 */
export function describeIssue(issue: z.ZodIssue, schema: z.ZodTypeAny, where: string): Problem[] {
  const at = issue.path;
  const name = label(at) ?? where;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, at);
      return issue.keys.map((key) => {
        const suggestion = suggest(key, allowed);
        return {
          at: [...at, key],
          reason: `unknown key "${key}" in ${name}`,
          hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : allowed.length > 0 ? `allowed here: ${allowed.join(', ')}` : undefined,
          known: { kind: 'unknownKey', name: key, ...(suggestion !== undefined ? { suggestion } : {}), allowed },
        };
      });
    }
    case 'invalid_type': {
      const last = at[at.length - 1];
      const parent = at[at.length - 2];
      if (issue.received === 'undefined') return [{ at, reason: `missing ${name} in ${where}`, ...(typeof last === 'string' ? { known: { kind: 'missingKey', name: last } } : {}) }];
      // A number of the wrong shape: zod says `float` and `nan`, which an admin did not write.
      const key = keyOf(at);
      if (issue.expected === 'integer' && issue.received === 'float' && key !== undefined) {
        return [{ at, reason: `${name} must be a whole number`, hint: `e.g. ${key}: 2`, known: { kind: 'notWholeNumber', name: key } }];
      }
      if (issue.received === 'nan' && key !== undefined) {
        return [{ at, reason: `${name} must be a number, not .nan`, known: { kind: 'notANumber', name: key } }];
      }
      const [expected, received] = [yamlType(issue.expected), yamlType(issue.received)];
      const known: KnownFileError | undefined = typeof last === 'string' ? { kind: 'wrongType', name: last, expected, received }
        : typeof last === 'number' && typeof parent === 'string' ? { kind: 'wrongItemType', name: parent, item: last + 1, expected, received }
        : undefined;
      return [{ at, reason: `${name} must be ${article(issue.expected)}, not ${article(issue.received)}`, ...(known ? { known } : {}) }];
    }
    case 'invalid_enum_value': {
      const last = at[at.length - 1];
      const allowed = issue.options.map(String);
      const suggestion = suggest(String(issue.received), allowed);
      return [{
        at,
        reason: `${name} must be one of ${issue.options.join(', ')}`,
        hint: suggestion === undefined ? undefined : `did you mean "${suggestion}"?`,
        ...(typeof last === 'string' ? { known: { kind: 'notOneOf', name: last, ...(suggestion !== undefined ? { suggestion } : {}), allowed } } : {}),
      }];
    }
    case 'invalid_union_discriminator': {
      const last = at[at.length - 1];
      const allowed = issue.options.map(String);
      return [{ at, reason: `${name} must be one of ${allowed.join(', ')}`, ...(typeof last === 'string' ? { known: { kind: 'notOneOf', name: last, allowed } } : {}) }];
    }
    case 'invalid_literal': {
      const last = at[at.length - 1];
      return [{ at, reason: `${name} must be ${JSON.stringify(issue.expected)}`, ...(typeof last === 'string' ? { known: { kind: 'notOneOf', name: last, allowed: [String(issue.expected)] } } : {}) }];
    }
    default: {
      const last = at[at.length - 1];
      const parent = at[at.length - 2];
      const key = keyOf(at);
      // A number outside its bounds, or a text over its length, says the bound.
      if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.type === 'number' && key !== undefined) {
        const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const known: KnownFileError = { kind: 'outOfRange', name: key, ...(issue.code === 'too_small' ? { minimum: bound } : { maximum: bound }) };
        // `positive()` excludes its bound: "at least 0" would name the very value refused.
        const sentence = `${issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : (issue.inclusive ? 'at most' : 'less than')} ${bound}`;
        return [{ at, reason: `${name} must be ${sentence}`, ...(issue.inclusive ? { hint: `e.g. ${key}: ${bound}` } : {}), known }];
      }
      if (issue.code === 'too_big' && issue.type === 'string' && key !== undefined) {
        return [{ at, reason: `${name}: ${lowerFirst(issue.message)}`, known: { kind: 'tooLong', name: key, maximum: Number(issue.maximum) } }];
      }
      // A text or a list that needs at least one character or item is empty, whatever the schema's own words; so is
      // a list's text item (`teams: [""]`).
      // A map refined to have an entry says so with params { empty: true }.
      const tooShort = (issue.code === 'too_small' && issue.minimum === 1 && (issue.type === 'string' || issue.type === 'array'))
        || (issue.code === 'custom' && issue.params?.empty === true);
      const known: KnownFileError | undefined = !tooShort ? undefined
        : typeof last === 'string' ? { kind: 'empty', name: last }
        : typeof last === 'number' && typeof parent === 'string' && issue.code === 'too_small' && issue.type === 'string' ? { kind: 'emptyItem', name: parent, item: last + 1 }
        : undefined;
      return [{ at, reason: `${name}: ${lowerFirst(issue.message)}`, ...(known ? { known } : {}) }];
    }
  }
}

/** The keys an object in `schema` at `path` allows, for suggestions; empty when the path leads elsewhere. */
function keysAt(schema: z.ZodTypeAny, path: Path): string[] {
  const keys = new Set<string>();
  const walk = (node: z.ZodTypeAny, rest: Path): void => {
    if (node instanceof z.ZodEffects) return walk(node.innerType(), rest);
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) return walk(node.unwrap(), rest);
    if (node instanceof z.ZodDefault) return walk(node.removeDefault(), rest);
    if (node instanceof z.ZodUnion || node instanceof z.ZodDiscriminatedUnion) {
      for (const option of node.options as z.ZodTypeAny[]) walk(option, rest);
      return;
    }
    const [head, ...tail] = rest;
    if (head === undefined) {
      if (node instanceof z.ZodObject) for (const key of Object.keys(node.shape)) keys.add(key);
      return;
    }
    if (node instanceof z.ZodObject) {
      const child = (node.shape as Record<string, z.ZodTypeAny>)[String(head)];
      if (child) walk(child, tail);
    } else if (node instanceof z.ZodArray) {
      walk(node.element, tail);
    } else if (node instanceof z.ZodRecord) {
      walk(node.valueSchema, tail);
    }
  };
  walk(schema, path);
  return [...keys];
}

/** The key a path ends at, or the list its item is in: what an error names as written. */
export function keyOf(path: Path): string | undefined {
  return [...path].reverse().find((part): part is string => typeof part === 'string');
}

// `item 2 of "choices"` reads better than a bare index.
function label(path: Path): string | undefined {
  const last = path[path.length - 1];
  if (last === undefined || typeof last === 'string') return last === undefined ? undefined : `"${last}"`;
  const parent = path[path.length - 2];
  return parent === undefined ? `item ${last + 1}` : `item ${last + 1} of "${parent}"`;
}

// Admins write YAML, so types are named as YAML shows them.
const YAML_TYPES: Readonly<Record<string, string>> = {
  string: 'a text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  null: 'empty',
  undefined: 'empty',
};

/** A zod type's name as YAML shows it (`wrongType`), `other` for one YAML has no word for. */
export function yamlType(type: string): YamlType {
  return type in YAML_TYPES ? (type as YamlType) : 'other';
}

function article(type: string): string {
  return YAML_TYPES[type] ?? type;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
