import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A vega-lite spec as an SVG string, rendered on the server by vega's headless view, so a page carries its chart
 * inline and needs no script, no CDN and no network. Specs here hold their data inline; nothing is loaded.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
