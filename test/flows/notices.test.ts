// A flow's `notices:` as the customer hears them: the flow's text in the customer's language, picked like steps
// pick theirs, and the shipped defaults (English, Arabic) for a moment the flow does not word.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Effects } from '../../src/bot/effects.ts';
import { Notices } from '../../src/bot/notices.ts';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import { FlowLibrary } from '../../src/flows/index.ts';
import { TeamDirectory } from '../../src/handover/directory.ts';
import type { Contact, Conversation } from '../../src/store/types.ts';
import { memoryLog, tempFlowDirs } from './helpers.ts';

const shipped = fileURLToPath(new URL('../../data/flows', import.meta.url));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** What the customer is told at each closing and hand-back, by contact language, under the flows of `dir`. */
async function noticesUnder(dir?: string) {
  const dirs = await tempFlowDirs();
  cleanup.push(() => dirs.remove());
  const flows = await FlowLibrary.load({ dir: dir ?? dirs.dir, store: dirs.store, log: memoryLog(), watch: false });
  cleanup.push(async () => flows.close());
  const directory = await TeamDirectory.load({ file: join(dirs.dir, 'team.yaml'), addressKeys: ADDRESS_KEYS, log: memoryLog(), watch: false });
  const notices = new Notices({ flows, directory, now: () => new Date('2025-01-01T00:00:00.000Z') });
  const flow = flows.forTrigger('conversation.opened', 'contact')[0];
  let id = 0;

  return async function told(language: string | undefined, moment: 'handed_back' | 'auto_closed' | 'closed', note?: string): Promise<string[]> {
    id += 1;
    const contact: Contact = {
      id: `c${id}`, identities: [{ channel: 'telegram', id: `t${id}` }], fields: {}, tags: [],
      createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', ...(language ? { language } : {}),
    };
    const conversation: Conversation = {
      id, contactId: contact.id, channel: 'telegram', status: 'open', stage: 'bot', fields: {}, source: 'contact',
      openedAt: '2025-01-01T00:00:00.000Z', ...(flow ? { flow: { flow: flow.name, version: flow.version, step: 0 } } : {}),
    };
    return dirs.store.transaction(`notices:${id}`, async (tx) => {
      tx.putContact(contact);
      const fx = new Effects(tx);
      if (moment === 'handed_back') await notices.handedBack(tx, fx, conversation);
      else {
        Object.assign(conversation, { status: 'closed', closedBy: moment === 'auto_closed' ? 'auto' : 'agent', ...(note ? { closingNote: note, closingNoteShared: true } : {}) });
        await notices.closed(tx, fx, conversation);
      }
      return (await tx.recentMessages(conversation.id, 10)).map((message) => message.text);
    });
  };
}

describe('customer notices', () => {
  it('come from the shipped flow\'s notices in the contact\'s language', async () => {
    const told = await noticesUnder(shipped);
    expect(await told('ar', 'handed_back')).toEqual(['عدت الآن إلى مساعدنا الآلي.']);
    expect(await told('ar-EG', 'auto_closed')).toEqual(['أُغلقت هذه المحادثة بعد فترة من عدم النشاط. يسعدنا تواصلك معنا في أي وقت.']);
    expect(await told('ar', 'closed', 'Refund sent')).toEqual(['تم إغلاق هذه المحادثة. \u2068Refund sent.\u2069 يسعدنا تواصلك معنا في أي وقت.']);
    expect(await told('en', 'handed_back')).toEqual(['You are back with our assistant.']);
    expect(await told(undefined, 'closed')).toEqual(['This conversation is now closed. Write to us any time.']);
  });

  it('fall back to the flow\'s language for a language its notice lacks, and to the shipped defaults for a moment it does not word', async () => {
    const dirs = await tempFlowDirs();
    cleanup.push(() => dirs.remove());
    await writeFile(join(dirs.dir, 'inbound.yaml'), [
      'flow: inbound',
      'trigger: { on: conversation.opened, source: contact }',
      'language: fr',
      'notices:',
      '  handed_back: { en: "Back with the bot.", fr: "De retour avec le robot." }',
      '  auto_closed: ""',
      'steps:',
      '  - ask: "?"',
      '',
    ].join('\n'));
    const told = await noticesUnder(dirs.dir);
    expect(await told('fr-CA', 'handed_back')).toEqual(['De retour avec le robot.']);
    expect(await told('ar', 'handed_back')).toEqual(['De retour avec le robot.']);
    expect(await told('en', 'handed_back')).toEqual(['Back with the bot.']);
    expect(await told('ar', 'auto_closed')).toEqual([]);
    expect(await told('ar', 'closed')).toEqual(['تم إغلاق هذه المحادثة. راسلنا في أي وقت.']);
    expect(await told('fr', 'closed')).toEqual(['This conversation is now closed. Write to us any time.']);
  });
});
