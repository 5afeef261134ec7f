import { client, type ColumnSpecInput, flag, session } from './column-spec';

/**
 * The two tables of the utterance coder's stored codes (alliance code): each coded utterance, and per coded
 * transcript version and coder the counts and MITI-style summaries of stats/miti.
 */

/** What both tables' rows start with: the session, the transcript version and the coder. */
const codedKeys: ColumnSpecInput[] = [
  client,
  session,
  {
    name: 'transcript_version',
    type: 'integer',
    label: 'Transcript version coded',
    range: '≥ 1',
    source: 'transcripts.version',
  },
  flag('current', '1 when the coded transcript version is the current one', 'transcripts.is_current'),
  {
    name: 'coder',
    type: 'string',
    label: 'Coder version (alliance code), e.g. annomi-coder-1',
    source: 'utterance_codes.coder',
  },
  {
    name: 'coder_hash',
    type: 'string',
    label: "SHA-256 of the coder's weights and guards files: codes with one hash came from the same model",
    source: 'utterance_codes.coder_hash',
  },
];

export const CODE_TABLES: Array<{ name: string; label: string; columns: ColumnSpecInput[] }> = [
  {
    name: 'utterance_codes',
    label: 'One row per coded utterance (alliance code): the MI behaviour code, its subcode and the coder probability',
    columns: [
      ...codedKeys,
      {
        name: 'utterance_id',
        type: 'string',
        label: "Utterance id within the transcript (as the signals table's evidence cites it)",
        source: 'utterance_codes.uid',
      },
      {
        name: 'seq',
        type: 'integer',
        label: 'Position of the utterance in the transcript (1 = first)',
        range: '≥ 1',
        source: 'utterance_codes.seq',
      },
      {
        name: 'role',
        type: 'string',
        label: 'Speaker role',
        range: 'therapist, client',
        source: 'utterance_codes.role',
      },
      {
        name: 'code',
        type: 'string',
        label:
          'MI behaviour: reflection, question, input or other (therapist); change, sustain or neutral talk (client)',
        range: 'reflection, question, input, other, change, sustain, neutral',
        source: 'utterance_codes.code',
      },
      {
        name: 'subcode',
        type: 'string',
        label: 'simple or complex (reflection), open or closed (question), the input subtype (input); blank otherwise',
        range: 'simple, complex, open, closed, information, advice, negotiation, options',
        source: 'utterance_codes.subcode',
      },
      {
        name: 'probability',
        type: 'number',
        label: "The coder's probability for the code",
        range: '0–1',
        source: 'utterance_codes.probability',
      },
    ],
  },
  {
    name: 'code_summaries',
    label: 'One row per coded transcript version and coder: behaviour counts and MITI-style summary scores',
    columns: [
      ...codedKeys,
      {
        name: 'therapist_utterances',
        type: 'integer',
        label: 'Therapist utterances coded',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'reflections',
        type: 'integer',
        label: 'Reflections, simple and complex',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'complex_reflections',
        type: 'integer',
        label: 'Complex reflections',
        range: '≥ 0',
        source: 'utterance_codes.subcode',
      },
      {
        name: 'questions',
        type: 'integer',
        label: 'Questions, open and closed',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'open_questions',
        type: 'integer',
        label: 'Open questions',
        range: '≥ 0',
        source: 'utterance_codes.subcode',
      },
      {
        name: 'input',
        type: 'integer',
        label: 'Therapist input (information, advice, negotiation, options)',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'other',
        type: 'integer',
        label: 'Other therapist utterances',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'client_utterances',
        type: 'integer',
        label: 'Client utterances coded',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'change_talk',
        type: 'integer',
        label: 'Change talk',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'sustain_talk',
        type: 'integer',
        label: 'Sustain talk',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'neutral_talk',
        type: 'integer',
        label: 'Neutral talk',
        range: '≥ 0',
        source: 'utterance_codes.code',
      },
      {
        name: 'rq_ratio',
        type: 'number',
        label: 'Reflection-to-question ratio, reflections / questions (MITI 4.2.1 R:Q); blank when no questions',
        range: '≥ 0',
        source: 'derived (stats/miti)',
      },
      {
        name: 'complex_reflection_share',
        type: 'number',
        label: 'Complex reflections / all reflections (MITI 4.2.1 %CR as a proportion); blank when no reflections',
        range: '0–1',
        source: 'derived (stats/miti)',
      },
      {
        name: 'open_question_share',
        type: 'number',
        label: 'Open questions / all questions (MITI 3.1.1 %OQ as a proportion); blank when no questions',
        range: '0–1',
        source: 'derived (stats/miti)',
      },
      {
        name: 'change_talk_share',
        type: 'number',
        label:
          'Change talk / (change + sustain talk) (MISC 2.5 percent change talk as a proportion); blank when neither',
        range: '0–1',
        source: 'derived (stats/miti)',
      },
    ],
  },
];
