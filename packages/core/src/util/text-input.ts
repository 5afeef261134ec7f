import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from './errors';

export interface TextLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

const readWatchers = new Map<string, (bytes: number) => void>();

/**
 * Calls fn with the size of each block read from file while the watch lasts, so an importer can show progress
 * within one large file; the returned function ends the watch. Readers need not know they are watched.
 */
export function watchReads(file: string, fn: (bytes: number) => void): () => void {
  readWatchers.set(file, fn);
  return () => {
    if (readWatchers.get(file) === fn) readWatchers.delete(file);
  };
}

/**
 * Streams a UTF-8 file as decoded chunks. Invalid UTF-8 (a Latin-1 or Windows-1252 export, say) is an error
 * naming the line, instead of silently turning accented names into replacement characters. UTF-16 files are
 * recognised by their byte-order mark and refused with advice. A UTF-8 BOM is dropped.
 */
export async function* readTextChunks(file: string, opts: { label?: string } = {}): AsyncGenerator<string> {
  const label = opts.label ?? basename(file);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let line = 1;
  /** Characters of the current line that came in earlier chunks, for a column across a chunk boundary. */
  let carryCol = 0;
  let first = true;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const buf of stream as AsyncIterable<Buffer>) {
      readWatchers.get(file)?.(buf.length);
      if (first) {
        first = false;
        if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
          throw new InputError('the file is UTF-16 encoded; save it as UTF-8 and import again', {
            file: label,
            line: 1,
          });
        }
      }
      let text: string;
      try {
        text = decoder.decode(buf, { stream: true });
      } catch {
        throw new InputError(`not valid UTF-8 text (${locateBadByte(buf)}); save the file as UTF-8 and import again`, {
          file: label,
          line: line + countNewlinesBeforeBadByte(buf),
        });
      }
      const nul = text.indexOf('\u0000');
      if (nul >= 0) throw nulError(text, nul, line, carryCol, label);
      line += countNewlines(text);
      const lastNl = text.lastIndexOf('\n');
      carryCol = lastNl < 0 ? carryCol + text.length : text.length - lastNl - 1;
      yield text;
    }
    const tail = (() => {
      try {
        return decoder.decode();
      } catch {
        throw new InputError('not valid UTF-8 text (the file ends inside a multi-byte character)', {
          file: label,
          line,
        });
      }
    })();
    if (tail) yield tail;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('file not found', { file });
    if (code === 'EISDIR') throw new InputError('is a directory, expected a file', { file });
    throw err;
  } finally {
    stream.destroy();
  }
}

/** Streams a UTF-8 file line by line (LF or CRLF), with line numbers. */
export async function* readLines(file: string, opts: { label?: string } = {}): AsyncGenerator<TextLine> {
  let carry = '';
  let line = 0;
  for await (const chunk of readTextChunks(file, opts)) {
    carry += chunk;
    let start = 0;
    let nl: number;
    while ((nl = carry.indexOf('\n', start)) !== -1) {
      const end = nl > start && carry.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      line++;
      yield { text: carry.slice(start, end), line };
      start = nl + 1;
    }
    carry = carry.slice(start);
  }
  if (carry.length > 0) {
    line++;
    yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line };
  }
}

/** Reads a whole (small) text file with the same UTF-8 checks. */
export async function readText(file: string, opts: { label?: string } = {}): Promise<string> {
  let out = '';
  for await (const chunk of readTextChunks(file, opts)) out += chunk;
  return out;
}

/**
 * A NUL byte is never text: it marks a binary file or a broken export, and SQLite's C strings would cut the value
 * short there, so it is refused where it stands.
 */
function nulError(text: string, at: number, firstLine: number, carryCol: number, file: string): InputError {
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = (lineStart === 0 ? carryCol : 0) + at - lineStart + 1;
  return new InputError('a NUL byte (0x00) is not text; is this a binary file or a broken export?', {
    file,
    line: firstLine + countNewlines(before),
    column,
  });
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Finds the first byte that breaks UTF-8 in a buffer, to report where the bad text is. */
function firstBadByte(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    if (i + len > buf.length) return i; // truncated at chunk end: reported only if the decoder refused it
    for (let j = 1; j < len; j++) if ((buf[i + j]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

function locateBadByte(buf: Uint8Array): string {
  const i = firstBadByte(buf);
  return i < 0 ? 'a broken multi-byte character' : `byte 0x${buf[i]!.toString(16).padStart(2, '0')}`;
}

function countNewlinesBeforeBadByte(buf: Uint8Array): number {
  const end = firstBadByte(buf);
  let n = 0;
  for (let i = 0; i < (end < 0 ? buf.length : end); i++) if (buf[i] === 10) n++;
  return n;
}
