// `npm run demo:serve`: serves the demo study (built by `npm run demo` first when missing) with a coordinator
// sign-in and one client link per kind of form, all printed. For this machine only: it binds to 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import {
  addStaff,
  collectionCells,
  issueLinks,
  listSessions,
  openStudy,
  readLinkKey,
  recordSession,
  setStaffPassword,
  staffExists,
} from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import { createApp } from '@alliance-lab/server';
import { runDemo } from './demo/pipeline';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'demo-study');
const port = Number(process.env.PORT ?? 8080);
const base = `http://127.0.0.1:${port}`;

if (!existsSync(join(dir, 'study.json'))) {
  process.stdout.write('building demo-study/ first (npm run demo) ...\n');
  await runDemo(dir, join(root, 'datasets', 'demo'), () => {});
}

const study = await openStudy(dir, { actor: 'demo' });
const today = new Date().toISOString().slice(0, 10);
// A session today for the first client, so its forms are due now (the seeded sessions lie in the past).
const [first] = await listSessions(study.db);
if (!first) throw new Error('the demo study has no sessions');
const own = await listSessions(study.db, first.client);
const sessionsToday = own.find((s) => s.date === today);
const session = sessionsToday?.session ?? Math.max(...own.map((s) => s.session)) + 1;
if (!sessionsToday)
  await recordSession(study.db, 'demo', {
    client: first.client,
    therapist: first.therapist,
    session,
    date: today,
  });

const password = randomBytes(12).toString('base64url');
if (await staffExists(study.db, 'coordinator')) await setStaffPassword(study.db, 'demo', 'coordinator', password);
else await addStaff(study.db, 'demo', { name: 'coordinator', role: 'coordinator', password });

const registry = loadRegistry({ studyDir: dir });
const cells = (await collectionCells(study.db, study.config)).filter(
  (c) => c.client === first.client && c.session === session && c.state !== 'not scheduled',
);
const links = await issueLinks(study.db, readLinkKey(dir), cells, (i) => registry.definition(i).version);

const app = createApp(study, { baseUrl: base, onError: (m) => process.stderr.write(`${m}\n`) });
const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as Server;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    [
      `serving "${study.config.name}" at ${base}/`,
      '',
      `coordinator sign-in: ${base}/login  name: coordinator  password: ${password}`,
      '',
      `client links for ${first.client}, session ${session} (today):`,
      ...links.map((l) => `  ${`${l.instrument}:${l.form}`.padEnd(18)} ${base}/f/${l.token}  code ${l.code}`),
      `  (codes are typed at ${base}/code)`,
      '',
      'Ctrl-C stops.',
      '',
    ].join('\n'),
  );
});
process.on('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void study.close().then(() => process.exit(0));
});
