import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Phrases = z.array(z.string()).min(1);
const Content = z.object({ client: z.string().min(1), gist: z.string().min(1), positive: z.boolean().optional() });

const Topic = z.object({
  id: z.string().min(1),
  /** People in the client's life, as the therapist names them ("your manager"). */
  people: Phrases,
  situations: z.array(Content).min(4),
  thoughts: z.array(Content).min(2),
  goals: z.array(Content).min(2),
});

export const PhraseBank = z.object({
  therapist: z.object({
    greeting_first: Phrases,
    greeting: Phrases,
    intro_first: Phrases,
    week_question: Phrases,
    first_question: Phrases,
    agenda: Phrases,
    goal_first: Phrases,
    goal: Phrases,
    question: Phrases,
    probe: Phrases,
    information: Phrases,
    reflection_generic: Phrases,
    reflection: Phrases,
    empathy: Phrases,
    affirmation: Phrases,
    validation: Phrases,
    collaboration: Phrases,
    checkin: Phrases,
    summary: Phrases,
    homework: Phrases,
    closing: Phrases,
    backchannel: Phrases,
    persist: Phrases,
    move_on: Phrases,
    redirect: Phrases,
    metacommunication: Phrases,
    metacommunication_followup: Phrases,
    acknowledgement: Phrases,
  }),
  client: z.object({
    greeting: Phrases,
    agreement: Phrases,
    agenda_reply: Phrases,
    neutral: Phrases,
    backchannel: Phrases,
    checkin_yes: Phrases,
    checkin_correct: Phrases,
    feeling_line: Phrases,
    /** More about the current situation, with the therapist-voice gist a reflection can use. */
    detail: z.array(Content).min(1),
    detail_positive: z.array(Content).min(1),
    elaboration_opener: Phrases,
    minimal: Phrases,
    rebuff: Phrases,
    dont_know: Phrases,
    topic_shift: Phrases,
    complaint_therapist: Phrases,
    complaint_therapy: Phrases,
    rupture_disclosure: Phrases,
    followup_response: Phrases,
    repair_accept: Phrases,
    closing: Phrases,
  }),
  feelings: z.object({ negative: Phrases, positive: Phrases }),
  topics: z.array(Topic).min(2),
});
export type PhraseBank = z.infer<typeof PhraseBank>;
export type Topic = z.infer<typeof Topic>;
export type Content = z.infer<typeof Content>;

export const PHRASE_BANK_PATH = fileURLToPath(new URL('./phrase-bank.json', import.meta.url));

export function loadPhraseBank(path = PHRASE_BANK_PATH): PhraseBank {
  return PhraseBank.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Fills {slot} placeholders; a template asking for a slot the caller did not supply is a bug in the bank. */
export function fill(template: string, slots: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = slots[name];
    if (v === undefined) throw new Error(`phrase "${template}" needs {${name}}`);
    return v;
  });
}

export function slotsOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
