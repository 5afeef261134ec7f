import type { RatableUtterance } from '../rater';
import { parseMarkerFile } from './marker-file';
import { compileMarkers, type MarkerSet } from './marker-set';

/**
 * A small marker file for the engine's tests: each rule of the syntax once, so a test can predict every count
 * by hand. The shipped file is tested as data in marker-file.test.ts and end to end by the lexicon provider.
 */
export const TEST_MARKERS = {
  version: 'test-markers-1',
  description: 'engine tests',
  fillers: ['okay', 'so', 'you know'],
  markers: [
    {
      id: 'reflection',
      label: 'reflection',
      speaker: 'therapist',
      description: 'd',
      mood: 'statement',
      phrases: ['it sounds like', 'you feel'],
    },
    {
      id: 'opening',
      label: 'you-opening',
      speaker: 'therapist',
      description: 'd',
      opening: true,
      phrases: ['you'],
      unless: ['you need to'],
    },
    {
      id: 'open-q',
      label: 'open question',
      speaker: 'therapist',
      description: 'd',
      mood: 'question',
      within: 2,
      phrases: ['what', 'how'],
    },
    {
      id: 'minimal',
      label: 'minimal',
      speaker: 'client',
      description: 'd',
      whole: true,
      after: 'question',
      ruptureType: 'minimal response',
      phrases: ['yeah', 'no', 'mm hmm', 'i guess'],
    },
    {
      id: 'dont-know',
      label: "don't know",
      speaker: 'client',
      description: 'd',
      maxWords: 5,
      ruptureType: 'denial',
      phrases: ["i don't know"],
    },
    {
      id: 'complaint',
      label: 'complaint',
      speaker: 'client',
      description: 'd',
      ruptureType: 'complaints about the therapist',
      phrases: ["you don't understand"],
    },
    {
      id: 'change',
      label: 'change talk',
      speaker: 'client',
      description: 'd',
      phrases: ['i want to'],
      unless: ["i don't want to"],
    },
    {
      id: 'meta',
      label: 'metacommunication',
      speaker: 'therapist',
      description: 'd',
      repairStrategy: 'metacommunication',
      phrases: ['i notice'],
    },
    {
      id: 'own',
      label: 'own part',
      speaker: 'therapist',
      description: 'd',
      repairStrategy: 'acknowledging own contribution',
      phrases: ["i'm sorry"],
    },
  ],
  measures: [{ id: 'client-words', kind: 'mean-words', speaker: 'client', description: 'd' }],
  signals: [
    {
      domain: 'relationship-quality',
      subSignal: 'empathy',
      direction: 'strength',
      markers: ['reflection', 'opening'],
      per: 'therapist',
      full: 0.5,
      note: 'n',
    },
    {
      domain: 'process-in-action',
      subSignal: 'engagement',
      direction: 'concern',
      markers: ['minimal', 'dont-know'],
      per: 'client',
      full: 0.5,
      note: 'n',
    },
    {
      domain: 'process-in-action',
      subSignal: 'engagement',
      direction: 'strength',
      measure: 'client-words',
      from: 2,
      full: 12,
      note: 'n',
    },
    {
      domain: 'collaboration-goals',
      subSignal: 'goal-agreement',
      direction: 'strength',
      markers: ['change'],
      per: 'client',
      full: 0.25,
      note: 'n',
    },
  ],
  ruptures: {
    withdrawal: { markers: ['minimal', 'dont-know'], minRun: 2 },
    confrontation: { markers: ['complaint'], minRun: 1 },
    repair: { markers: ['meta', 'own'], window: 3 },
  },
  items: {
    gain: 3,
    constructs: {
      bond: { 'relationship-quality/empathy': 1 },
      goal: { 'collaboration-goals/goal-agreement': 1 },
      overall: { 'relationship-quality/empathy': 1, 'process-in-action/engagement': 1 },
      silent: { 'session-flow/closure': 1 },
    },
    scales: { bond: 'bond', goal: 'goal' },
    instrumentItems: { srs: { '1': 'bond', '2': 'silent' } },
    fallback: 'overall',
  },
};

export function testMarkerSet(edit?: (f: typeof TEST_MARKERS) => void): MarkerSet {
  const f = structuredClone(TEST_MARKERS);
  edit?.(f);
  return compileMarkers(parseMarkerFile(f, 'test-markers.json'));
}

const T = 'therapist' as const;
const C = 'client' as const;

/** A session written so every marker, both rupture kinds and a repair occur at known places. */
export const TEST_SESSION: RatableUtterance[] = [
  { id: 'u1', role: T, text: 'Okay, so what brings you here today?' },
  { id: 'u2', role: C, text: 'Yeah.' },
  { id: 'u3', role: T, text: 'How has the week been?' },
  { id: 'u4', role: C, text: "I don't know." },
  { id: 'u5', role: T, text: "I notice you're quiet today. It sounds like this is hard." },
  { id: 'u6', role: C, text: 'I want to sort things out with my family but it is hard to talk about.' },
  { id: 'u7', role: T, text: 'You need to stop drinking.' },
  { id: 'u8', role: C, text: "You don't understand what it's like." },
  { id: 'u9', role: T, text: 'What do you feel about that?' },
  { id: 'u10', role: C, text: 'Mm-hmm' },
  { id: 'u11', role: T, text: 'Okay, you know, you sound tired.' },
];
