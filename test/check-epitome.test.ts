import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toCsv } from '@alliance-lab/core';

const HEADER = ['sp_id', 'rp_id', 'seeker_post', 'response_post', 'level', 'rationales'];
const FILES = {
  emotional: 'emotional-reactions-reddit.csv',
  interpretations: 'interpretations-reddit.csv',
  explorations: 'explorations-reddit.csv',
};

/**
 * Pairs in EPITOME's shape, written here (no EPITOME text): warm, understanding responses carry high levels,
 * curt ones low, so the lexicon's relationship score should rise with the level sum.
 */
const POSTS = [
  'I lost my job last week and I feel like a failure.',
  'My partner left and I cannot sleep at night.',
  'Everything feels pointless lately and I am so tired.',
];
const WARM = [
  "I'm so sorry you are going through this. I've been there too, and it makes sense that you feel this way. How are you holding up?",
  'That sounds really hard, and you are not alone in it. I know how it feels when the nights drag on. What has helped you before?',
];
const CURT = ['Just get over it.', 'Go for a run.', 'Happens to everyone.'];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeCorpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epitome-'));
  dirs.push(dir);
  const rows: Record<keyof typeof FILES, Array<Record<string, string>>> = {
    emotional: [],
    interpretations: [],
    explorations: [],
  };
  let n = 0;
  for (let rep = 0; rep < 6; rep++) {
    for (const post of POSTS) {
      for (const [responses, levels] of [
        [WARM, { emotional: 2, interpretations: 2, explorations: 1 }],
        [CURT, { emotional: 0, interpretations: 0, explorations: 0 }],
      ] as const) {
        const response = responses[n % responses.length]!;
        n++;
        for (const dim of Object.keys(FILES) as Array<keyof typeof FILES>)
          rows[dim].push({
            sp_id: `s${rep}-${POSTS.indexOf(post)}`,
            rp_id: `r${n}`,
            seeker_post: post,
            response_post: response,
            level: String(levels[dim]),
            rationales: '',
          });
      }
    }
  }
  for (const dim of Object.keys(FILES) as Array<keyof typeof FILES>)
    writeFileSync(join(dir, FILES[dim]), toCsv(HEADER, rows[dim]));
  return dir;
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-epitome.ts', ...args], {
    encoding: 'utf8',
    cwd: join(__dirname, '..'),
  });

describe('npm run check:epitome', () => {
  it('rates each pair as an exchange and reports seeded Spearman rhos, held-out and development folds apart', () => {
    const dir = writeCorpus();
    const res = run(dir, '--json', '--resamples', '100', '--seed', '3');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.pairs).toBe(36);
    expect(out.heldOut.pairs + out.development.pairs).toBe(36);
    expect(out.all.withTotal.relationship.rho).toBeGreaterThan(0.5);
    expect(out.all.withTotal.relationship.ci[0]).toBeLessThanOrEqual(out.all.withTotal.relationship.rho);
    expect(Object.keys(out.all.withTotal)).toContain('length');
    expect(Object.keys(out.all.byLevel)).toEqual(['emotional', 'interpretations', 'explorations']);
    expect(out.method).toMatch(/100 resamples, seed 3/);
    expect(JSON.parse(run(dir, '--json', '--resamples', '100', '--seed', '3').stdout)).toEqual(out);
    expect(res.stdout).not.toMatch(/failure|sleep/);
  }, 240_000);

  it('prints a table, and exits 1 for a folder without the files and 2 for a usage error', () => {
    const dir = writeCorpus();
    const res = run(dir, '--resamples', '100');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/EPITOME: 36 post–response pairs/);
    expect(res.stdout).toMatch(/response length alone \(words\)\s+\d\.\d{3}/);
    const empty = mkdtempSync(join(tmpdir(), 'epitome-empty-'));
    dirs.push(empty);
    const missing = run(empty);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/emotional-reactions-reddit\.csv: not found/);
    expect(run().status).toBe(2);
  }, 240_000);
});
