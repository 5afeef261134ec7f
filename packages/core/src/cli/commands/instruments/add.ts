import { installStudyInstrument } from '@alliance-lab/instruments';
import { readStudyConfig } from '../../../store/study';
import { defineCommand } from '../../command';
import { instrumentCall } from './registry';

export const instrumentsAddCommand = defineCommand({
  path: ['instruments', 'add'],
  summary: "add a study's own instrument definition (a translation, a measure not shipped, a corrected key)",
  usage: 'alliance instruments add --study DIR FILE',
  description: [
    'FILE is an instrument definition in the same JSON shape as packages/instruments/definitions/*.json. It is',
    'validated (errors name the field path) and copied to DIR/instruments/<id>.json. A definition with the id of',
    'a built-in instrument replaces it for this study, e.g. to install a confirmed item key.',
  ].join('\n'),
  positionals: { name: 'FILE', min: 1, max: 1 },
  options: { study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true } },
  examples: ['alliance instruments add --study studies/pilot sai.json'],
  async run(ctx) {
    const study = ctx.need('study');
    readStudyConfig(study, { checkReferences: false });
    const r = instrumentCall(() => installStudyInstrument(study, ctx.positionals[0]!));
    const what = r.overridesBuiltin
      ? `(replaces the built-in ${r.id} for this study)`
      : r.replaced
        ? '(replaced the earlier study definition)'
        : '';
    return {
      data: { instrument: r.id, path: r.path, overridesBuiltin: r.overridesBuiltin, replaced: r.replaced },
      text: `installed ${r.id} in ${r.path} ${what}`.trim(),
    };
  },
});
