import { html } from 'hono/html';

type Html = ReturnType<typeof html>;

/**
 * The page shell. Styles are inline and there is no script: the pages work offline, and the content security
 * policy (app.ts) can forbid every script and remote resource.
 */
export function layout(opts: { title: string; study: string; body: Html | Html[] }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${opts.study}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; color: #1d1d1f; }
  header { border-bottom: 1px solid #d0d0d5; margin-bottom: 1rem; }
  header a { color: inherit; text-decoration: none; }
  h1 { font-size: 1.4rem; margin: 0.6rem 0; }
  h2 { font-size: 1.1rem; margin-top: 2rem; }
  table { border-collapse: collapse; margin: 0.5rem 0; }
  th, td { padding: 0.25rem 0.75rem; border-bottom: 1px solid #e4e4e8; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  dl.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; }
  dl.counts div { border: 1px solid #e4e4e8; border-radius: 4px; padding: 0.5rem 0.75rem; }
  dl.counts dt { font-size: 0.85rem; color: #555; }
  dl.counts dd { margin: 0; font-size: 1.3rem; font-variant-numeric: tabular-nums; }
  .note { color: #555; font-size: 0.9rem; }
  figure { margin: 1rem 0; }
  figure svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<header><p><a href="/">${opts.study}</a></p></header>
<main>
${opts.body}
</main>
</body>
</html>
`;
}
