import { installWording } from '@alliance-lab/instruments';
import { readStudyConfig } from '../../../store/study';
import { defineCommand } from '../../command';
import { instrumentCall } from './registry';

export const instrumentsAddWordingCommand = defineCommand({
  path: ['instruments', 'add-wording'],
  summary: 'install the licensed item wording a study holds, checked against the definition',
  usage: 'alliance instruments add-wording --study DIR FILE',
  description: [
    'FILE is JSON: {"instrument": ID, "licence": "who granted it, when", "language": "en",',
    '"forms": {"client": {"instructions": "...", "items": {"1": "...", ...}}}}. Each form given must list exactly',
    "the definition's item ids for that form. The wording is copied to DIR/wording/<id>.json and used wherever",
    'items are shown for this study; forms without wording show our paraphrases, marked as such.',
  ].join('\n'),
  positionals: { name: 'FILE', min: 1, max: 1 },
  options: { study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true } },
  examples: ['alliance instruments add-wording --study studies/pilot wai-sr-wording.json'],
  async run(ctx) {
    const study = ctx.need('study');
    readStudyConfig(study, { checkReferences: false });
    const r = instrumentCall(() => installWording(study, ctx.positionals[0]!));
    return {
      data: { instrument: r.instrument, forms: r.forms, path: r.path, replaced: r.replaced },
      text: `installed ${r.instrument} wording for ${r.forms.join(', ')} in ${r.path}`,
    };
  },
});
