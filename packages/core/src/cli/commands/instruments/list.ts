import { unconfirmedFacts } from '@alliance-lab/instruments';
import { renderTable } from '../../table';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { registryFor, studyOption } from './registry';

export const instrumentsListCommand = defineCommand({
  path: ['instruments', 'list'],
  summary: "list the instruments: built-in definitions and a study's own",
  options: z.object({ study: studyOption() }),
  examples: ['alliance instruments list --json', 'alliance instruments list --study studies/pilot'],
  async run(_ctx, o) {
    const registry = await registryFor(o.study);
    const instruments = registry.list().map((e) => {
      const d = e.definition;
      return {
        id: d.id,
        name: d.name,
        version: d.version,
        origin: e.origin,
        overridesBuiltin: e.overridesBuiltin,
        forms: d.forms.map((f) => ({ id: f.id, name: f.name, respondent: f.respondent })),
        scales: [...d.scales.map((s) => s.id), ...(d.total ? ['total'] : [])],
        items: d.items.length,
        unconfirmed: unconfirmedFacts(d).length,
        wording: e.wording ? Object.keys(e.wording.forms) : [],
      };
    });
    const text = renderTable(
      ['id', 'forms', 'scales', 'unconfirmed facts', 'origin', 'name'],
      instruments.map((i) => [
        i.id,
        i.forms.map((f) => f.id).join(', '),
        i.scales.join(', '),
        i.unconfirmed,
        i.origin + (i.overridesBuiltin ? ' (overrides built-in)' : ''),
        i.name,
      ]),
    );
    return {
      data: { instruments },
      text: `${text}\n\nUnconfirmed facts are keys, anchors or citations not checked in a source; see \`alliance instruments show ID\`.`,
    };
  },
});
