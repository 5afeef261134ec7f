import { InputError } from './errors';

/**
 * Parses JSON a person wrote: a UTF-8 byte-order mark (Windows editors add one) is dropped, and a syntax error
 * names the line and column an editor shows rather than the byte position JSON.parse reports.
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const m = /at position (\d+)/.exec(message);
    const position = m ? Number(m[1]) : /end of JSON input/.test(message) ? body.length : undefined;
    const reason = message.replace(/\s*in JSON at position \d+.*$/, '').replace(/ of JSON input$/, ' of the file');
    if (position === undefined) throw new InputError(`not valid JSON: ${reason}`, { file });
    const before = body.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    throw new InputError(`not valid JSON: ${reason}`, { file, line, column });
  }
}
