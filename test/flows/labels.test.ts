// The labels a flow gives the fields it saves (what agents read beside the answers): a label that cannot be shown is
// refused like any other mistake, at the line and column to fix, and the last good version keeps serving.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowLibrary } from '../../src/flows/index.ts';
import { memoryLog, tempFlowDirs } from './helpers.ts';

let dirs: Awaited<ReturnType<typeof tempFlowDirs>>;
let library: FlowLibrary | undefined;

beforeEach(async () => {
  dirs = await tempFlowDirs();
});
afterEach(async () => {
  library?.close();
  await dirs.remove();
});

const labelled = (email: string, fields: string) => `flow: inbound
trigger: { on: conversation.opened, source: contact }
${fields}steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
${email}  - set: { conversation.need: "{{conversation.first_message}}" }
  - ask: "How can we help?"
    save: conversation.need
    skip_if_known: true
`;

const GOOD = labelled('    label: { en: Email, ar: البريد الإلكتروني }\n', 'fields:\n  conversation.need: { label: { en: Need, ar: الطلب } }\n');

describe('field labels in a flow script', () => {
  it('refuses a label that is no text per language, empty, on a question that saves nothing, of a field the flow does not save, or a second one, each at its line and column', async () => {
    const file = join(dirs.dir, 'inbound.yaml');
    await writeFile(file, GOOD);
    const log = memoryLog();
    library = await FlowLibrary.load({ dir: dirs.dir, store: dirs.store, log, watch: false });
    expect(library.errors()).toEqual([]);
    const good = library.forTrigger('conversation.opened', 'contact')[0]!;

    const refused = async (text: string) => {
      await writeFile(file, text);
      const before = log.lines.length;
      await library!.reload();
      // The last good version keeps serving.
      expect(library!.forTrigger('conversation.opened', 'contact')).toEqual([good]);
      return log.lines.slice(before).filter((line) => line.level === 'error').map((line) => line.msg);
    };

    expect(await refused(labelled('    label:\n      english: Email\n', ''))).toEqual([
      'flows/inbound.yaml:8:7: "english" is not a language (a text per language is a map like { en: "Hello", ar: "مرحبا" }; use a language code like en, ar or pt-BR)',
    ]);
    expect(await refused(labelled('    label: "  "\n', ''))).toEqual(['flows/inbound.yaml:7:5: "label": a label cannot be empty']);
    expect(await refused(labelled('    label: { en: "Email\\naddress" }\n', ''))).toEqual(['flows/inbound.yaml:7:5: "en": a label is one line']);
    expect(await refused(GOOD.replace('    save: contact.email\n', ''))).toEqual([
      'flows/inbound.yaml:8:5: label: names the field save: writes, and this question saves nothing (add save: conversation.<field>, or remove label:)',
    ]);
    expect(await refused(GOOD.replace('  conversation.need:', '  conversation.nede:'))).toEqual([
      'flows/inbound.yaml:4:3: fields: labels "conversation.nede", which this flow does not save (did you mean "conversation.need"?)',
    ]);
    expect(await refused(GOOD.replace('    skip_if_known: true\n', '    skip_if_known: true\n    label: What they need\n'))).toEqual([
      'flows/inbound.yaml:4:3: "conversation.need" has a label already, at line 14 (give a field one label in a flow: agents read it wherever the field shows)',
    ]);

    await rm(file);
    await writeFile(file, GOOD);
    await library.reload();
    expect(library.errors()).toEqual([]);
  });

  it('reads the labels of the version a conversation ran, and of the flows in service once the file changes', async () => {
    const file = join(dirs.dir, 'inbound.yaml');
    await writeFile(file, GOOD);
    library = await FlowLibrary.load({ dir: dirs.dir, store: dirs.store, log: memoryLog(), watch: false });
    const first = library.forTrigger('conversation.opened', 'contact')[0]!;
    const ran = { flow: { flow: first.name, version: first.version } } as Parameters<FlowLibrary['wording']>[0];
    const label = async (conversation: Parameters<FlowLibrary['wording']>[0], field: string) => (await library!.wording(conversation)).labels.get(field)?.fallback;
    expect(await label(ran, 'contact.email')).toBe('Email');
    expect(await label({}, 'contact.email')).toBe('Email');

    await writeFile(file, GOOD.replace('{ en: Email,', '{ en: Email address,'));
    await library.reload();
    // The conversation that ran the first version keeps its words; one that ran none reads the new version's.
    expect(await label(ran, 'contact.email')).toBe('Email');
    expect(await label({}, 'contact.email')).toBe('Email address');
  });
});
