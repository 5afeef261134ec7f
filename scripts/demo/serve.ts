// What `npm run demo:serve` does once demo-study/ exists: a session today for the first client, so its forms are
// due now (the seeded sessions lie in the past), a coordinator with a fresh password, one link per scheduled form,
// and `alliance serve`'s own server over it on loopback.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
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
import { createStudyServer } from '@alliance-lab/server';

export interface DemoLink {
  instrument: string;
  form: string;
  url: string;
  code: string;
}

export interface DemoServer {
  base: string;
  password: string;
  client: string;
  session: number;
  links: DemoLink[];
  /** What the script prints: where to sign in, and the links. */
  banner: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts serving the demo study in `dir` on loopback; port 0 takes a free port. */
export async function startDemoServer(dir: string, port: number): Promise<DemoServer> {
  const study = await openStudy(dir, { actor: 'demo' });
  try {
    const today = new Date().toISOString().slice(0, 10);
    const [first] = await listSessions(study.db);
    if (!first) throw new Error(`the demo study in ${dir} has no sessions`);
    const own = await listSessions(study.db, first.client);
    const sessionToday = own.find((s) => s.date === today);
    const session = sessionToday?.session ?? Math.max(...own.map((s) => s.session)) + 1;
    if (!sessionToday)
      await recordSession(study.db, 'demo', { client: first.client, therapist: first.therapist, session, date: today });

    const password = randomBytes(12).toString('base64url');
    if (await staffExists(study.db, 'coordinator')) await setStaffPassword(study.db, 'demo', 'coordinator', password);
    else await addStaff(study.db, 'demo', { name: 'coordinator', role: 'coordinator', password });

    const registry = loadRegistry({ studyDir: dir });
    const cells = (await collectionCells(study.db, study.config)).filter(
      (c) => c.client === first.client && c.session === session && c.state !== 'not scheduled',
    );
    const issued = await issueLinks(study.db, readLinkKey(dir), cells, (i) => registry.definition(i).version);

    // The printed base URL needs the port, which port 0 only gives once listening; links are printed with it,
    // and the server accepts loopback host names whatever the port.
    const server = createStudyServer(study, { host: HOST, onError: (m) => process.stderr.write(`${m}\n`) });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => resolve());
    });
    const base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    const links = issued.map((l) => ({
      instrument: l.instrument,
      form: l.form,
      url: `${base}/f/${l.token}`,
      code: l.code,
    }));
    const banner = [
      `serving "${study.config.name}" at ${base}/`,
      '',
      `coordinator sign-in: ${base}/login  name: coordinator  password: ${password}`,
      '',
      `client links for ${first.client}, session ${session} (today):`,
      ...links.map((l) => `  ${`${l.instrument}:${l.form}`.padEnd(18)} ${l.url}  code ${l.code}`),
      `  (codes are typed at ${base}/code)`,
    ].join('\n');
    return {
      base,
      password,
      client: first.client,
      session,
      links,
      banner,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await study.close();
      },
    };
  } catch (err) {
    await study.close();
    throw err;
  }
}
