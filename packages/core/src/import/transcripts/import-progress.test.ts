import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTranscriptFiles } from './import-files';
import { freshStudy, tempFile } from './test-support';

/** One JSONL file of a few MB: several 1 MB read blocks, so progress within it can be seen. */
function largeFile(): string {
  const lines: string[] = [];
  for (let s = 1; s <= 40; s++) {
    const utterances = Array.from({ length: 400 }, (_, i) => ({
      id: `u${i + 1}`,
      role: i % 2 ? 'client' : 'therapist',
      text: `utterance ${i} of session ${s}: ${'words that fill the line '.repeat(8)}`,
    }));
    lines.push(JSON.stringify({ client: 'C01', therapist: 'T01', session: s, utterances }));
  }
  return tempFile('large.jsonl', `${lines.join('\n')}\n`);
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('import progress follows bytes within a file', () => {
  for (const [how, threadedFromBytes] of [
    ['parsed on this thread', Number.POSITIVE_INFINITY],
    ['parsed on a worker thread', 0],
  ] as const) {
    it(`reports bytes read before the file is done (${how})`, async () => {
      const file = largeFile();
      made.push(dirname(file));
      const size = statSync(file).size;
      expect(size).toBeGreaterThan(3 << 20);
      const study = await freshStudy();
      made.push(dirname(study.dir));
      const seen: number[] = [];
      let read = 0;
      let readWhenDone = -1;
      try {
        await importTranscriptFiles(study, {
          files: [file],
          threadedFromBytes,
          onBytes: (p) => {
            read += p.bytes;
            seen.push(read);
          },
          onFile: () => {
            readWhenDone = read;
          },
        });
      } finally {
        await study.close();
      }
      // Several reports, the first well short of the file: a single large file moves the bar.
      expect(seen.length).toBeGreaterThan(2);
      expect(seen[0]).toBeLessThan(size / 2);
      expect(readWhenDone).toBe(size);
    });
  }
});
