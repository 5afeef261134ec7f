import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes, progressLine } from './progress';

const state = {
  label: 'importing',
  done: 12_500_000,
  total: 27_100_000,
  unit: '',
  rate: 3_000_000,
  fields: { files: '0/1', sessions: 120, utterances: 34403 },
  format: formatBytes,
};

describe('progress line', () => {
  it('shows bar, counts, estimate, rate and fields on a wide terminal', () => {
    const line = progressLine({ ...state, columns: 200 });
    expect(line).toMatch(
      /^importing \[#+-+\] {2}46% 12\.5 MB\/27\.1 MB eta \d+s 3\.0 MB\/s {2}files 0\/1 {2}sessions 120 {2}utterances 34403$/,
    );
  });

  it('never cuts a number on a narrow terminal: it leaves out whole parts, the bar first', () => {
    for (let columns = 20; columns <= 120; columns++) {
      const line = progressLine({ ...state, columns });
      // Every field shown is shown whole, and the counts are always there.
      expect(line).toContain('46% 12.5 MB/27.1 MB');
      for (const m of line.matchAll(/utterances (\d+)/g)) expect(m[1]).toBe('34403');
      for (const m of line.matchAll(/sessions (\d+)/g)) expect(m[1]).toBe('120');
      if (line.length > columns - 1) expect(line).toBe('importing  46% 12.5 MB/27.1 MB');
    }
    expect(progressLine({ ...state, columns: 60 })).not.toContain('[');
  });

  it('draws on the stream without slicing the line to the terminal width', () => {
    let out = '';
    const stream = { columns: 40, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const bar = createProgress({ label: 'importing', total: 100, unit: 'files', stream, enabled: true });
    bar.update(50, { utterances: 34403 });
    bar.finish();
    const last = out.split('\r\x1b[2K').at(-1)!.trimEnd();
    expect(last.length).toBeLessThanOrEqual(39);
    expect(last).not.toMatch(/utterances \d{1,4}$/);
  });
});
