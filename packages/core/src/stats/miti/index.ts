import { defined, type Reasons, withReasons } from '../reasons';

/**
 * MITI-style summary scores of one session's utterance codes (README.md beside this file): behaviour counts and
 * the four summaries researchers read off them. A ratio whose denominator is zero is null with its reason (the
 * folder's convention), never 0 or Infinity: a session without questions has no reflection-to-question ratio.
 */

export interface CodedUtterance {
  /** reflection, question, input, other (therapist); change, sustain, neutral (client). */
  code: string;
  /** simple / complex, open / closed, the input subtype, or null. */
  subcode: string | null;
  /** How many utterances carry this code and subcode (counted in the store, say); 1 unless given. */
  n?: number;
}

export interface MitiSummary {
  therapistUtterances: number;
  reflections: number;
  complexReflections: number;
  questions: number;
  openQuestions: number;
  input: number;
  other: number;
  clientUtterances: number;
  changeTalk: number;
  sustainTalk: number;
  neutralTalk: number;
  /** Reflections / questions (MITI 4.2.1 R:Q). */
  reflectionToQuestion: number | null;
  /** Complex / all reflections (MITI 4.2.1 %CR, as a proportion). */
  complexReflectionShare: number | null;
  /** Open / all questions (MITI 3.1.1 %OQ, as a proportion). */
  openQuestionShare: number | null;
  /** Change / (change + sustain) talk (MISC 2.5 percent change talk, as a proportion). */
  changeTalkShare: number | null;
  /** Why each null ratio is null. */
  reasons?: Reasons;
}

export function mitiSummary(codes: Iterable<CodedUtterance>): MitiSummary {
  let reflections = 0;
  let complexReflections = 0;
  let questions = 0;
  let openQuestions = 0;
  let input = 0;
  let other = 0;
  let changeTalk = 0;
  let sustainTalk = 0;
  let neutralTalk = 0;
  for (const c of codes) {
    const k = c.n ?? 1;
    switch (c.code) {
      case 'reflection':
        reflections += k;
        if (c.subcode === 'complex') complexReflections += k;
        break;
      case 'question':
        questions += k;
        if (c.subcode === 'open') openQuestions += k;
        break;
      case 'input':
        input += k;
        break;
      case 'other':
        other += k;
        break;
      case 'change':
        changeTalk += k;
        break;
      case 'sustain':
        sustainTalk += k;
        break;
      case 'neutral':
        neutralTalk += k;
        break;
      default:
        throw new Error(`not an utterance code: "${c.code}"`);
    }
  }
  const reasons: Reasons = {};
  const ratio = (num: number, den: number, key: string, why: string) =>
    defined(den === 0 ? null : num / den, key, why, reasons);
  return withReasons(
    {
      therapistUtterances: reflections + questions + input + other,
      reflections,
      complexReflections,
      questions,
      openQuestions,
      input,
      other,
      clientUtterances: changeTalk + sustainTalk + neutralTalk,
      changeTalk,
      sustainTalk,
      neutralTalk,
      reflectionToQuestion: ratio(reflections, questions, 'reflectionToQuestion', 'no questions coded'),
      complexReflectionShare: ratio(complexReflections, reflections, 'complexReflectionShare', 'no reflections coded'),
      openQuestionShare: ratio(openQuestions, questions, 'openQuestionShare', 'no questions coded'),
      changeTalkShare: ratio(
        changeTalk,
        changeTalk + sustainTalk,
        'changeTalkShare',
        'no change or sustain talk coded',
      ),
    },
    reasons,
  );
}
