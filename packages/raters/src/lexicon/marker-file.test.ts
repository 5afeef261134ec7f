import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAINS } from '../result-schema';
import { DEFAULT_MARKERS_FILE, loadMarkerFile, parseMarkerFile } from './marker-file';
import { tempDir } from '../../../../test/support/temp-dir';

const shipped = () => JSON.parse(readFileSync(DEFAULT_MARKERS_FILE, 'utf8'));

describe('the shipped marker file', () => {
  it('validates, and every signal, rupture and construct refers to something that exists', () => {
    const { markers, hash } = loadMarkerFile();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const ids = new Set(markers.markers.map((m) => m.id));
    for (const s of markers.signals) if ('markers' in s) for (const id of s.markers) expect(ids.has(id)).toBe(true);
    expect(markers.ruptures.withdrawal.markers.every((id) => ids.has(id))).toBe(true);
    expect(Object.keys(markers.items.constructs)).toContain(markers.items.fallback);
  });

  it('covers every one of the five domains with at least one signal', () => {
    const domains = new Set(loadMarkerFile().markers.signals.map((s) => s.domain));
    expect([...domains].sort()).toEqual(Object.keys(DOMAINS).sort());
  });

  it('has the same hash for the same content and a different one after an edit', () => {
    const a = parseMarkerFile(shipped(), 'a.json');
    const b = parseMarkerFile(shipped(), 'b.json');
    expect(a.hash).toBe(b.hash);
    const edited = shipped();
    edited.markers[0].phrases.push('as i understand it');
    expect(parseMarkerFile(edited, 'c.json').hash).not.toBe(a.hash);
  });
});

describe('a broken marker file', () => {
  it('names the file and the field of every wrong reference', () => {
    const f = shipped();
    f.signals[0].markers = ['no-such-marker'];
    f.signals[1].subSignal = 'closure';
    f.items.scales.bond = 'nothing';
    let message = '';
    try {
      parseMarkerFile(f, 'study/markers.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^study\/markers\.json: 3 problems/);
    expect(message).toContain('signals[0].markers[0]: no marker "no-such-marker"');
    expect(message).toContain('signals[1].subSignal: "closure" is not a sub-signal of therapeutic-foundation');
    expect(message).toContain('items.scales.bond: no construct "nothing"');
  });

  it('says when the file is not JSON', () => {
    const dir = tempDir('markers-');
    const file = join(dir, 'markers.json');
    writeFileSync(file, '{ "version": ');
    expect(() => loadMarkerFile(file)).toThrow(/markers\.json: the marker file is not valid JSON/);
    expect(() => loadMarkerFile(join(dir, 'missing.json'))).toThrow(/cannot read the marker file \(ENOENT\)/);
  });
});
