// Which of a customer's messages a transcript offers to teach as an example of an intent ("Teach its intent"): those
// whose words the bot read, or could have read, for what the customer needs. Not an email address, an order number or a
// rating given to a question that asked for one, a greeting, a button pressed: teaching "sam@example.com" an intent
// would only spoil the model.
import { readQuestion, type CompiledFlow, type CompiledStep, type FlowLibrary } from '../../flows/index.ts';
import type { Contact, Conversation, Message } from '../../store/types.ts';

/**
 * The ids of the messages of `conversation` that carry a need in the customer's own words: an answer to a question whose
 * answer a `classify` step reads (and words typed instead of a clarify button: the need the bot failed to route), and
 * any message holding a need the flow read: the first words that said one (`first_message`, the opening message or
 * beside the first answer, "sam@example.com, I was charged twice"), the need a classify step read (also from before
 * messages kept the question they answered).
 *
 *     const ids = await teachable(conversation, contact, messages, flows);
 *     ids.has(message.id); // offer Teach its intent
 */
export async function teachable(conversation: Conversation, contact: Contact | undefined, messages: readonly Message[], flows: Pick<FlowLibrary, 'version'>): Promise<Set<number>> {
  const written = messages.filter(customersWords);
  const ids = new Set<number>();
  const versions = new Map<string, Promise<CompiledFlow | undefined>>();
  const flowOf = (name: string, version: string) => {
    const key = `${name}@${version}`;
    if (!versions.has(key)) versions.set(key, flows.version(name, version));
    return versions.get(key)!;
  };
  // The need the customer's first words said (`first_message`: the opening message's, or the words beside the first
  // answer), which a flow may take for the need unasked; a plain "hi" sets none.
  const needs = new Set<string>();
  const first = conversation.fields.first_message;
  if (typeof first === 'string' && first.trim() !== '') needs.add(first.trim().toLowerCase());
  for (const message of written) {
    const question = message.answers === undefined ? undefined : readQuestion(message.answers);
    const flow = question && (await flowOf(question.flow, question.version));
    const step = question && flow?.steps[question.step];
    if (flow && step && readsNeed(flow, step)) ids.add(message.id);
  }
  // The needs the flow holds now, as read: a message that holds one carries it.
  const position = conversation.flow;
  const flow = position && (await flowOf(position.flow, position.version));
  for (const step of flow?.steps ?? []) {
    if (step.kind !== 'classify') continue;
    const field = step.spec.field;
    const value = field.scope === 'conversation' ? conversation.fields[field.name] : field.scope === 'contact' ? contact?.fields[field.name] : undefined;
    if (typeof value === 'string' && value.trim() !== '') needs.add(value.trim().toLowerCase());
  }
  for (const message of written) if ([...needs].some((need) => message.text.toLowerCase().includes(need))) ids.add(message.id);
  return ids;
}

/** Words the customer wrote: not a button pressed, a reaction, an edit or deletion, a kind nothing here can show. */
function customersWords(message: Message): boolean {
  return message.direction === 'in' && message.from === 'contact' && message.text.trim() !== '' && message.choice === undefined && !message.oldPress
    && message.unsupported === undefined && message.reaction === undefined && message.edit === undefined && message.deletion === undefined;
}

/** Whether the answer to `step` is read for the customer's need: a classify step's (clarify) or a question's whose field one classifies. */
function readsNeed(flow: CompiledFlow, step: CompiledStep): boolean {
  if (step.kind === 'classify') return true;
  if (step.kind !== 'ask') return false;
  const classified = new Set(flow.steps.flatMap((each) => (each.kind === 'classify' ? [each.spec.field.path] : [])));
  return (step.spec.save !== undefined && classified.has(step.spec.save.path)) || (step.spec.otherwise !== undefined && classified.has(step.spec.otherwise.save.path));
}
