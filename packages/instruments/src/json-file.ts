import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InstrumentFileError } from './errors';
import { describeIssue } from './field-message';

/** Reads a UTF-8 JSON file; a bad byte or bad JSON is an error naming the file, never a silent mis-read. */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new InstrumentFileError(file, [
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new InstrumentFileError(file, ['is not valid UTF-8']);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InstrumentFileError(file, [`is not valid JSON (${(err as Error).message})`]);
  }
}

/** Validates parsed JSON against a schema, reporting every problem by the field and entry it concerns. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, file: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new InstrumentFileError(
    file,
    r.error.issues.map((i) => describeIssue(i, value)),
  );
}
