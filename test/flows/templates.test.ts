import { describe, expect, it } from 'vitest';
import { startFlow } from '../../src/flows/index.ts';
import { parseTemplate, renderStyled, renderTemplate } from '../../src/flows/template.ts';
import { compile, errorsOf, newRun, script, takeSaid } from './helpers.ts';

function render(text: string, run = newRun()) {
  const parsed = parseTemplate(text);
  if (!('template' in parsed)) throw new Error(parsed.reason);
  return renderTemplate(parsed.template, run.contact, run.conversation, { 'queue.position': 4 });
}

describe('templates', () => {
  it('read the admin\'s WhatsApp markup into styles around field values of any length, never the values\' own', () => {
    const styled = (text: string, run = newRun()) => {
      const parsed = parseTemplate(text);
      if (!('template' in parsed)) throw new Error(parsed.reason);
      return renderStyled(parsed.template, run.contact, run.conversation);
    };
    const layla = newRun({ name: '_Layla_ 👋' });
    expect(styled('*Hi {{contact.name}}*, _you_ \\*ORD\\* 5 * 3', layla)).toEqual({
      text: 'Hi _Layla_ 👋, you *ORD* 5 * 3',
      styles: [{ style: 'bold', offset: 0, length: 'Hi _Layla_ 👋'.length }, { style: 'italic', offset: 'Hi _Layla_ 👋, '.length, length: 3 }],
    });
    expect(styled('*{{contact.name}}* ~gone~')).toEqual({ text: ' gone', styles: [{ style: 'strike', offset: 1, length: 4 }] });
  });

  it('fill in builtins and fields', () => {
    const run = newRun({ name: 'Mona', language: 'ar', fields: { email: 'm@x.co' }, tags: ['vip', 'new'] }, { team: 'Billing', intent: 'refund', fields: { need: 'help' } });
    expect(render('{{contact.name}} {{contact.id}} {{contact.language}} {{contact.email}} {{contact.tags}}', run)).toBe('Mona c1 ar m@x.co vip, new');
    expect(render('#{{conversation.id}} on {{ conversation.channel }}: {{conversation.team}}/{{conversation.intent}}/{{conversation.need}}', run)).toBe('#7 on webchat: Billing/refund/help');
    expect(render('You are number {{queue.position}}', run)).toBe('You are number 4');
  });

  it('show the fallback when the field is empty, and nothing without one', () => {
    expect(render('Hi {{contact.name | there}}!')).toBe('Hi there!');
    expect(render('Hi {{contact.name|dear customer}}!')).toBe('Hi dear customer!');
    expect(render('Hi {{contact.name}}!')).toBe('Hi !');
    expect(render('Hi {{contact.name | there}}!', newRun({ name: 'Omar' }))).toBe('Hi Omar!');
  });

  it('read a field named like an object\'s own property (constructor, toString) as unset until a flow saves it, never as code', () => {
    expect(render('Your code: {{contact.constructor | none yet}} / {{conversation.toString | none}}')).toBe('Your code: none yet / none');
    expect(render('Your code: {{contact.constructor}}', newRun({ fields: { constructor: 'AB12' } }))).toBe('Your code: AB12');
  });

  it('greet by name in a say step', () => {
    const flow = compile(script('  - say: "Hi {{contact.name | there}}!"\n'));
    const named = newRun({ name: 'Mona' });
    startFlow(flow, named);
    const anonymous = newRun();
    startFlow(flow, anonymous);
    expect([...takeSaid(named), ...takeSaid(anonymous)]).toEqual(['Hi Mona!', 'Hi there!']);
  });

  it('refuse a placeholder that is not a field path, and unbalanced braces', () => {
    expect(errorsOf(script('  - say: "Hi {{name}}"\n'))).toEqual([
      'flows/test.yaml:4: "{{name}}" does not name a field (write {{contact.<field>}} or {{conversation.<field>}}, with an optional fallback: {{contact.name | there}})',
    ]);
    expect(errorsOf(script('  - say: "Hi {{contact.name"\n'))).toEqual([
      'flows/test.yaml:4: unbalanced "{{" or "}}" in the text (close each {{ with }}: placeholders look like {{contact.name}})',
    ]);
  });

  it('may read any field some flow saves', () => {
    expect(errorsOf(script('  - say: "{{conversation.order}}"\n'), 'flows/test.yaml', ['conversation.order'])).toEqual([]);
  });
});
