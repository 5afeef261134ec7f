import { formView, itemLabel, itemLabelText, unconfirmedFacts, type RegistryEntry } from '@alliance-lab/instruments';
import { renderTable } from '../../table';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { instrumentCall, registryFor, studyOption } from './registry';

export const instrumentsShowCommand = defineCommand({
  path: ['instruments', 'show'],
  summary: 'show an instrument: forms, scales, items, keys, and which keys are unconfirmed',
  positionals: { name: 'ID', min: 1, max: 1 },
  options: z.object({ study: studyOption() }),
  examples: ['alliance instruments show wai-sr', 'alliance instruments show calpas --json'],
  async run(ctx, o) {
    const registry = await registryFor(o.study);
    const entry = instrumentCall(() => registry.get(ctx.positionals[0]!));
    const unconfirmed = unconfirmedFacts(entry.definition);
    return {
      data: {
        id: entry.definition.id,
        origin: entry.origin,
        file: entry.file,
        allConfirmed: unconfirmed.length === 0,
        unconfirmed,
        wording: entry.wording
          ? { forms: Object.keys(entry.wording.forms), licence: entry.wording.licence, file: entry.wordingFile }
          : null,
        definition: entry.definition,
      },
      text: describe(entry, unconfirmed),
    };
  },
});

function describe(entry: RegistryEntry, unconfirmed: ReturnType<typeof unconfirmedFacts>): string {
  const d = entry.definition;
  const out = [
    `${d.name} [${d.id}, definition ${d.version}, ${entry.origin}${entry.overridesBuiltin ? ', overrides the built-in definition' : ''}]`,
    unconfirmed.length
      ? `WARNING: ${unconfirmed.length} fact${unconfirmed.length > 1 ? 's' : ''} in this definition ${unconfirmed.length > 1 ? 'are' : 'is'} UNCONFIRMED (listed at the end); scores that rest on them are provisional.`
      : 'Every key, anchor and citation in this definition is confirmed in a named source.',
    '',
    'Citations:',
    ...d.citations.map(
      (c) =>
        `  - ${c.text}${c.doi ? ` doi:${c.doi}` : ''}${c.url ? ` ${c.url}` : ''}${c.confirmed ? '' : ' (details unconfirmed)'}`,
    ),
    '',
    `Licence: ${d.licence.note}`,
    ...(d.licence.digitalUse ? [`On screen: ${d.licence.digitalUse}`] : []),
  ];
  for (const f of d.forms) {
    const view = formView(d, f.id);
    const s = f.scale;
    out.push(
      '',
      `Form ${f.id}: ${f.name}, answered by the ${f.respondent}${f.confirmed ? '' : ' (UNCONFIRMED)'}`,
      `  response scale ${s.min}–${s.max}${s.decimals ? ` with ${s.decimals} decimal${s.decimals > 1 ? 's' : ''}` : ''}${s.anchors.length ? `: ${s.anchors.map((a) => `${a.value} = ${a.label}`).join('; ')}` : ''}${s.confirmed ? '' : ' (UNCONFIRMED)'}`,
      ...(f.note ? [`  ${f.note}`] : []),
      '',
      renderTable(
        ['item', 'reversed', 'key', 'label'],
        view.items.map((it) => [
          it.id,
          it.reverse ? 'yes' : 'no',
          it.keying.confirmed ? 'confirmed' : 'UNCONFIRMED',
          itemLabelText(itemLabel(view, it.id, entry.wording)),
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
      '',
      renderTable(
        ['scale', 'method', 'items', 'key', 'label'],
        view.scales.map((sc) => [
          sc.id,
          sc.method,
          sc.items.join(' '),
          sc.provenance.confirmed ? 'confirmed' : 'UNCONFIRMED',
          sc.label,
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  if (d.norms.length)
    out.push(
      '',
      'Norms for reliable change:',
      ...d.norms.map(
        (n) =>
          `  - ${n.form} ${n.scale}: SD ${n.sd ?? 'unknown'}, reliability ${n.reliability ?? 'unknown'} (${n.sample})${n.confirmed ? '' : ' UNCONFIRMED'}`,
      ),
    );
  if (d.alerts.length)
    out.push(
      '',
      'Alert rules:',
      ...d.alerts.map(
        (a) =>
          `  - ${a.kind === 'below' ? `${a.scale} ${a.inequality} ${a.cutoff}` : `${a.scale} drops by ${a.minDrop} or more`}${a.forms ? ` (${a.forms.join(', ')})` : ''}${a.confirmed ? '' : ' UNCONFIRMED'}`,
      ),
    );
  if (d.notes.length) out.push('', 'Notes:', ...d.notes.map((n) => `  - ${n}`));
  if (unconfirmed.length)
    out.push(
      '',
      'UNCONFIRMED:',
      ...unconfirmed.map((u) => `  - ${u.form ? `${u.form}: ` : ''}${u.what}. Source: ${u.source}`),
    );
  return out.join('\n');
}
