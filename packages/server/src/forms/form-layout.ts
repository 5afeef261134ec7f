import { html } from 'hono/html';

type Html = ReturnType<typeof html>;

/**
 * The client's page: one questionnaire and nothing else (no link to the study, no navigation). Mobile first:
 * one column, 16px text so phones do not zoom, touch targets of at least 44px.
 */
export function clientLayout(opts: { title: string; body: Html | Html[]; script?: boolean }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<style>
  *, *::before, *::after { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 40rem; padding: 1rem; color: #1d1d1f; background: #fff; }
  h1 { font-size: 1.35rem; margin: .5rem 0 1rem; }
  fieldset.item { border: 1px solid #c8c8cf; border-radius: 8px; margin: 0 0 1rem; padding: .75rem 1rem 1rem; }
  fieldset.item legend { font-weight: 600; padding: 0 .25rem; }
  .choices { display: flex; flex-direction: column; gap: .35rem; margin-top: .5rem; }
  .choices label { display: flex; align-items: center; gap: .6rem; min-height: 44px; padding: .25rem .5rem; border: 1px solid #dcdce2; border-radius: 6px; }
  .choices input { width: 1.35rem; height: 1.35rem; margin: 0; }
  .choices label:focus-within { outline: 3px solid #1f5fbf; outline-offset: 1px; }
  .vas label { display: block; margin: .5rem 0 .25rem; }
  .vas input[type=number] { font: inherit; width: 6rem; min-height: 44px; padding: .25rem .5rem; }
  .vas input[type=range] { width: 100%; min-height: 44px; margin: .25rem 0; }
  /* An untouched line has no mark on it: the thumb appears where the client first touches it. */
  .vas input[type=range].untouched::-webkit-slider-thumb { opacity: 0; }
  .vas input[type=range].untouched::-moz-range-thumb { opacity: 0; }
  .poles { display: flex; justify-content: space-between; font-size: .9rem; color: #444; }
  .marked { font-size: .9rem; color: #444; }
  .errors { border: 2px solid #b3261e; border-radius: 8px; padding: .5rem 1rem; color: #7a1a14; }
  .note { color: #444; font-size: .9rem; }
  .licence { color: #444; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem; padding-top: .5rem; }
  button[type=submit] { font: inherit; font-weight: 600; min-height: 48px; padding: .5rem 1.5rem; border-radius: 8px; border: 0; background: #1f5fbf; color: #fff; }
  button[type=submit]:focus { outline: 3px solid #0b2f66; outline-offset: 2px; }
  .code input { font: inherit; font-size: 1.3rem; letter-spacing: .15em; width: 12rem; min-height: 48px; text-transform: uppercase; }
</style>
</head>
<body>
<main>
${opts.body}
</main>
${opts.script ? html`<script src="/static/autosave.js" defer></script>` : ''}
</body>
</html>
`;
}
