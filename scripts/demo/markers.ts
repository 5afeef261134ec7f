/**
 * The relational markers the simulator plants, one per utterance. The ground truth counts them per session
 * and lists them per utterance, so raters can be checked against both.
 */
export const MARKERS = [
  'reflection',
  'empathy',
  'collaboration',
  'agenda',
  'goal',
  'checkin',
  'summary',
  'elaboration',
  'minimal',
  'dont_know',
  'topic_shift',
  'complaint_therapist',
  'complaint_therapy',
  'metacommunication',
  'acknowledgement',
] as const;
export type Marker = (typeof MARKERS)[number];

/** 3RS-style families: what moves away from the work, what moves against it, and what repairs it. */
export const MARKER_GROUPS = {
  therapistRelational: ['reflection', 'empathy', 'collaboration', 'agenda', 'goal', 'checkin', 'summary'],
  withdrawal: ['minimal', 'dont_know', 'topic_shift'],
  confrontation: ['complaint_therapist', 'complaint_therapy'],
  repair: ['metacommunication', 'acknowledgement'],
} as const satisfies Record<string, readonly Marker[]>;

export const MARKER_MEANINGS: Record<Marker, string> = {
  reflection: 'therapist reflection of content, feeling or meaning',
  empathy: 'therapist empathic, affirming or validating statement',
  collaboration: 'therapist collaborative "we / let\'s" proposal, including agreeing a task for the week',
  agenda: 'therapist agenda setting at the start of the session',
  goal: 'therapist goal talk (setting, reviewing or linking to goals)',
  checkin: 'therapist check-in ("does that fit for you?")',
  summary: 'therapist summary of the session',
  elaboration: 'client elaboration: situations, feelings, thoughts, goals, or opening up about the relationship',
  minimal: 'client minimal response or brush-off (withdrawal)',
  dont_know: 'client "I don\'t know" (withdrawal)',
  topic_shift: 'client shifting to an unrelated topic (withdrawal)',
  complaint_therapist: 'client complaint about the therapist (confrontation)',
  complaint_therapy: 'client complaint about therapy, its activities or its usefulness (confrontation)',
  metacommunication: 'therapist metacommunication about what is happening between them (repair)',
  acknowledgement: 'therapist acknowledging their own part in the rupture (repair)',
};
