import type { FormView, ItemLabel } from '@alliance-lab/instruments';
import { html } from 'hono/html';
import { clientLayout } from './form-layout';

type Html = ReturnType<typeof html>;

export interface FormPage {
  view: FormView;
  label: (item: string) => ItemLabel;
  instructions?: string;
  session: number;
  action: string;
  /** Names this draft in the browser's storage; no token, no client id. */
  draftKey: string;
  values: Record<string, string>;
  errors: string[];
  /** Observer forms ask for the coder's pseudonymous id. */
  askCoder: boolean;
}

/**
 * A plain HTML form: inputs named by the definition's item ids, so it posts and validates without any script.
 * Likert forms are radio groups with their anchors. Visual-analogue forms (a scale with decimals, e.g. the SRS)
 * are a number field the script turns into a slider; the field stays empty until the slider is moved, so an
 * untouched slider is never an answer.
 */
export function formPage(p: FormPage): Html {
  const { view } = p;
  const { min, max, decimals, anchors } = view.form.scale;
  const paraphrased = view.items.some((it) => p.label(it.id).kind === 'paraphrase');
  const vas = decimals > 0;
  const step = vas ? 10 ** -decimals : 1;
  const title = `${view.definition.name}, session ${p.session}`;
  const items = view.items.map((it, i) => {
    const label = p.label(it.id);
    const id = `item-${it.id}`;
    const value = p.values[it.id] ?? '';
    if (vas) {
      const lo = anchors.find((a) => a.value === min)?.label ?? String(min);
      const hi = anchors.find((a) => a.value === max)?.label ?? String(max);
      return html`<fieldset class="item vas" data-vas>
<legend>${i + 1}. ${label.text}</legend>
<div class="poles" aria-hidden="true"><span>${lo}</span><span>${hi}</span></div>
<label for="${id}">Your mark from ${min} (${lo}) to ${max} (${hi})</label>
<input id="${id}" name="${it.id}" type="number" inputmode="decimal" min="${min}" max="${max}" step="${step}" value="${value}" data-slider data-label="${label.text}">
</fieldset>`;
    }
    const choices = [];
    for (let v = min; v <= max; v += step) {
      const anchor = anchors.find((a) => a.value === v)?.label;
      choices.push(
        html`<label><input type="radio" name="${it.id}" value="${v}"${String(v) === value ? html` checked` : ''}> <span>${v}${anchor ? html` – ${anchor}` : ''}</span></label>`,
      );
    }
    return html`<fieldset class="item">
<legend>${i + 1}. ${label.text}</legend>
<div class="choices">${choices}</div>
</fieldset>`;
  });
  return clientLayout({
    title,
    script: true,
    body: html`<h1>${title}</h1>
${p.instructions ? html`<p>${p.instructions}</p>` : ''}
${paraphrased ? html`<p class="note">The items below are paraphrases of the questionnaire's content (marked as such), not its licensed wording.</p>` : ''}
${
  p.errors.length
    ? html`<div class="errors" role="alert" tabindex="-1" id="errors"><p>Please check your answers:</p><ul>${p.errors.map((e) => html`<li>${e}</li>`)}</ul></div>`
    : ''
}
<form method="post" action="${p.action}" data-draft="${p.action}/draft" data-key="${p.draftKey}" novalidate>
${p.askCoder ? html`<fieldset class="item"><legend>Coder</legend><label for="coder">Your coder id</label><input id="coder" name="_coder" required maxlength="32" pattern="[A-Za-z0-9._-]+" value="${p.values._coder ?? ''}"></fieldset>` : ''}
${items}
<p><button type="submit">Submit</button></p>
</form>
<p class="licence">${view.definition.licence.note}</p>`,
  });
}

/** A page that ends a visit: used, expired, invalid or thank-you. It also clears the browser's draft. */
export function messagePage(title: string, text: string, draftKey?: string): Html {
  return clientLayout({
    title,
    script: draftKey !== undefined,
    body: html`<h1>${title}</h1><p>${text}</p>${draftKey ? html`<div data-clear-draft="${draftKey}" hidden></div>` : ''}`,
  });
}

export function codePage(message?: string): Html {
  return clientLayout({
    title: 'Enter your code',
    body: html`<h1>Enter your code</h1>
${message ? html`<p class="errors" role="alert">${message}</p>` : ''}
<form method="post" action="/code" class="code">
<label for="code">The 8-character code you were given</label>
<input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16" required>
<p><button type="submit">Open the questionnaire</button></p>
</form>`,
  });
}
