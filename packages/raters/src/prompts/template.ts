/**
 * The prompt templates' syntax, a small subset of Mustache so a researcher can read and change a template
 * without learning a templating language:
 *
 * - `{{name}}` inserts a value (looked up in the current item, then outward);
 * - `{{#name}}...{{/name}}` repeats the block for each element of a list, or renders it once when the value is
 *   true, a non-zero number, a non-empty string or an object (whose fields then come first in lookups);
 * - `{{^name}}...{{/name}}` renders the block when the value is missing, false, zero, empty or an empty list.
 *
 * Text is inserted as it is: prompts are plain text, there is nothing to escape.
 */

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: string }
  | { kind: 'section'; name: string; inverted: boolean; body: Node[] };

export type TemplateContext = Record<string, unknown>;

export class Template {
  private readonly nodes: Node[];

  constructor(
    source: string,
    /** Names the template in error messages (its file). */
    readonly label: string,
  ) {
    this.nodes = parse(source, label);
  }

  render(context: TemplateContext): string {
    const out: string[] = [];
    renderNodes(this.nodes, [context], out);
    return out.join('');
  }
}

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z0-9_.]+)\s*\}\}/g;

function parse(source: string, label: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ name: string; body: Node[] }> = [{ name: '', body: root }];
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(source); m !== null; m = TAG.exec(source)) {
    const top = stack[stack.length - 1]!;
    if (m.index > last) top.body.push({ kind: 'text', text: source.slice(last, m.index) });
    last = m.index + m[0].length;
    const [, sigil, name] = m as unknown as [string, string, string];
    if (sigil === '#' || sigil === '^') {
      const body: Node[] = [];
      top.body.push({ kind: 'section', name, inverted: sigil === '^', body });
      stack.push({ name, body });
    } else if (sigil === '/') {
      if (stack.length === 1 || top.name !== name)
        throw new Error(`${label}: {{/${name}}} closes ${stack.length === 1 ? 'no open section' : `{{#${top.name}}}`}`);
      stack.pop();
    } else {
      top.body.push({ kind: 'value', name });
    }
  }
  if (stack.length > 1) throw new Error(`${label}: {{#${stack[stack.length - 1]!.name}}} is never closed`);
  if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });
  return root;
}

function lookup(stack: unknown[], name: string): unknown {
  if (name === '.') return stack[stack.length - 1];
  for (let i = stack.length - 1; i >= 0; i--) {
    const c = stack[i];
    if (c !== null && typeof c === 'object' && name in (c as object)) return (c as Record<string, unknown>)[name];
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
}

function renderNodes(nodes: Node[], stack: unknown[], out: string[]): void {
  for (const n of nodes) {
    if (n.kind === 'text') out.push(n.text);
    else if (n.kind === 'value') {
      const v = lookup(stack, n.name);
      if (v !== undefined && v !== null) out.push(String(v));
    } else {
      const v = lookup(stack, n.name);
      if (n.inverted) {
        if (!truthy(v)) renderNodes(n.body, stack, out);
      } else if (Array.isArray(v)) {
        for (const item of v) {
          stack.push(item);
          renderNodes(n.body, stack, out);
          stack.pop();
        }
      } else if (truthy(v)) {
        const scoped = typeof v === 'object';
        if (scoped) stack.push(v);
        renderNodes(n.body, stack, out);
        if (scoped) stack.pop();
      }
    }
  }
}
