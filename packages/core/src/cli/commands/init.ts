import { basename, resolve } from 'node:path';
import { initStudy } from '../../store/study';
import { defineCommand } from '../command';

export const initCommand = defineCommand({
  path: ['init'],
  summary: 'create a study folder with study.json and an empty store',
  usage: 'alliance init DIR [--name NAME]',
  positionals: { name: 'DIR', min: 1, max: 1 },
  options: {
    name: { type: 'string', placeholder: 'NAME', description: 'study name (default: the folder name)' },
  },
  examples: ['alliance init studies/pilot --name "Pilot 2026"'],
  async run(ctx) {
    const dir = ctx.positionals[0]!;
    const name = ctx.str('name') ?? basename(resolve(dir));
    const study = await initStudy(dir, {
      name,
      instruments: [
        { instrument: 'wai-sr', form: 'client', schedule: { every: 1, from: 1 } },
        { instrument: 'srs', form: 'client', schedule: { every: 1, from: 1 } },
      ],
      raters: { lexicon: { provider: 'lexicon', model: 'lexicon-v1' } },
      remoteProviders: 'deidentified',
    });
    await study.close();
    ctx.log(`created study "${name}" in ${study.dir}`);
    return { data: { study: study.dir, name }, text: `created study "${name}" in ${study.dir}` };
  },
});
