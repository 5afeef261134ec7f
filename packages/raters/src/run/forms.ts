import type { FormRequest } from '../rater';

/** "wai-o-s:observer" → { instrument: 'wai-o-s', form: 'observer' } (the schema has checked the shape). */
export function parseForms(forms: readonly string[]): FormRequest[] {
  return forms.map((f) => {
    const [instrument, form] = f.split(':') as [string, string];
    return { instrument, form };
  });
}
