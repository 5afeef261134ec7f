// `npm run demo:serve`: serves the demo study (built by `npm run demo` first when missing) with a coordinator
// sign-in and one client link per kind of form, all printed. For this machine only: it binds to 127.0.0.1.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo/pipeline';
import { startDemoServer } from './demo/serve';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'demo-study');

if (!existsSync(join(dir, 'study.json'))) {
  process.stdout.write('building demo-study/ first (npm run demo) ...\n');
  await runDemo(dir, join(root, 'datasets', 'demo'), () => {});
}

const demo = await startDemoServer(dir, Number(process.env.PORT ?? 8080));
process.stdout.write(`${demo.banner}\n\nCtrl-C stops.\n\n`);
process.on('SIGINT', () => {
  void demo.close().then(() => process.exit(0));
});
