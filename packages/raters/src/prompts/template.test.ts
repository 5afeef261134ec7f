import { describe, expect, it } from 'vitest';
import { Template } from './template';

describe('Template', () => {
  it('inserts values, looking outward from the current list item', () => {
    const t = new Template('{{title}}:{{#items}} {{id}}={{label}}/{{title}}{{/items}}', 't.md');
    expect(
      t.render({
        title: 'T',
        items: [
          { id: 1, label: 'a' },
          { id: 2, label: 'b' },
        ],
      }),
    ).toBe('T: 1=a/T 2=b/T');
  });

  it('renders a section once for a true value and an inverted section for an empty or false one', () => {
    const t = new Template(
      '{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}|{{^list}}empty{{/list}}|{{#n}}n={{n}}{{/n}}',
      't.md',
    );
    expect(t.render({ flag: true, list: [], n: 0 })).toBe('yes|empty|');
    expect(t.render({ flag: false, list: [1], n: 2 })).toBe('no||n=2');
  });

  it('leaves text as it is: nothing is escaped', () => {
    expect(new Template('{{text}}', 't.md').render({ text: `<"a" & 'b'>` })).toBe(`<"a" & 'b'>`);
  });

  it('names the file when sections do not match', () => {
    expect(() => new Template('{{#a}}x', 'prompts/v9/form.md')).toThrow('prompts/v9/form.md: {{#a}} is never closed');
    expect(() => new Template('{{#a}}x{{/b}}', 'f.md')).toThrow('f.md: {{/b}} closes {{#a}}');
  });
});
