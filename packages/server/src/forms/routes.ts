import {
  type Invitation,
  invitationByCode,
  invitationByToken,
  linkToken,
  markOpened,
  nowIso,
  readLinkKey,
  saveDraft,
  scaleScores,
  sha256,
  type Study,
  submitInvitation,
} from '@alliance-lab/core';
import { type FormView, type InstrumentRegistry, parseItemValue, scoreView } from '@alliance-lab/instruments';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { htmlResponse } from '../html-response';
import { RequestError } from '../request-error';
import { clientAddress } from '../staff/auth';
import { RateLimit } from '../staff/rate-limit';
import { AUTOSAVE_JS } from './autosave';
import { codePage, formPage, messagePage } from './form-page';

/** A link token is 32 bytes in base64url; anything else is refused before the store is asked. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const CODER = /^[A-Za-z0-9._-]{1,32}$/;
/** A questionnaire's body is a few hundred bytes; 16 KiB leaves room and refuses floods. */
const MAX_BODY = 16 * 1024;
/** Wrong codes one address may try in ten minutes, and all addresses together (a botnet, a shared proxy). */
export const CODE_LIMITS = { perAddress: 10, overall: 200, windowMs: 10 * 60_000 };

/** Replaces link tokens in a path, so a log line never carries one. */
export function redactPath(path: string): string {
  return path.replace(/\/f\/[^/]+/, '/f/…');
}

export function formRoutes(study: Study, registry: InstrumentRegistry): Hono {
  const app = new Hono();
  const key = readLinkKey(study.dir);
  const perAddress = new RateLimit(CODE_LIMITS.perAddress, CODE_LIMITS.windowMs);
  const overall = new RateLimit(CODE_LIMITS.overall, CODE_LIMITS.windowMs);
  const tooLarge = () => {
    throw new RequestError(413, 'that is more than a questionnaire holds');
  };
  const streamed = bodyLimit({ maxSize: MAX_BODY, onError: tooLarge });
  // A body with a Content-Length is checked by its header alone (Node's parser delivers no more bytes than it
  // names), without hono's bodyLimit, which reads the request's body stream and so makes the node adapter build
  // a full Request around every submission; a chunked body still goes through bodyLimit, counted as it arrives.
  const limit: MiddlewareHandler = async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (!/^\d+$/.test(length) || Number(length) > MAX_BODY) return tooLarge();
    await next();
  };

  app.get('/static/autosave.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(AUTOSAVE_JS);
  });

  /** The invitation a request's token names, if it can still be answered; a page saying why not otherwise. */
  async function open(
    c: Context,
  ): Promise<{ inv: Invitation } | { page: Response | Promise<Response>; status: 404 | 409 | 410 }> {
    const token = c.req.param('token') ?? '';
    const inv = TOKEN.test(token) ? await invitationByToken(study.db, token, study.sqlite) : undefined;
    if (!inv)
      return {
        page: htmlResponse(
          c,
          messagePage(
            'Link not valid',
            'This link does not open a questionnaire. Check that it was copied whole, or ask for a new one.',
          ),
          404,
        ),
        status: 404,
      };
    const draftKey = draftKeyOf(inv);
    if (inv.completedAt)
      return {
        page: htmlResponse(
          c,
          messagePage('Already submitted', 'This questionnaire has been submitted already. Thank you.', draftKey),
          410,
        ),
        status: 410,
      };
    if (nowIso() >= inv.expiresAt)
      return {
        page: htmlResponse(
          c,
          messagePage(
            'Link expired',
            `This link worked until ${readable(inv.expiresAt)}. Ask for a new one if you still want to answer.`,
            draftKey,
          ),
          410,
        ),
        status: 410,
      };
    if (registry.definition(inv.instrument).version !== inv.definitionVersion)
      return {
        page: htmlResponse(
          c,
          messagePage(
            'Questionnaire changed',
            'The questionnaire behind this link has changed since it was sent. Ask for a new link.',
          ),
          409,
        ),
        status: 409,
      };
    return { inv };
  }

  function render(c: Context, inv: Invitation, values: Record<string, string>, errors: string[], status: 200 | 422) {
    const view = registry.view(inv.instrument, inv.form);
    const instructions = registry.wording(inv.instrument)?.forms[view.form.id]?.instructions;
    return htmlResponse(
      c,
      formPage({
        view,
        label: (item) => registry.itemLabel(inv.instrument, inv.form, item),
        ...(instructions ? { instructions } : {}),
        session: inv.session,
        action: new URL(c.req.url).pathname,
        draftKey: draftKeyOf(inv),
        values,
        errors,
        askCoder: view.form.respondent === 'coder',
      }),
      status,
    );
  }

  /** What a posted form is checked against, once per instrument form rather than once per request. */
  const forms = new Map<string, { view: FormView; ids: readonly string[]; askCoder: boolean }>();
  function formOf(inv: Invitation) {
    const key = `${inv.instrument}\u0000${inv.form}`;
    let f = forms.get(key);
    if (!f) {
      const view = registry.view(inv.instrument, inv.form);
      f = { view, ids: view.items.map((it) => it.id), askCoder: view.form.respondent === 'coder' };
      forms.set(key, f);
    }
    return f;
  }

  // Opening a link writes only "opened": e-mail scanners fetch every link they see.
  app.get('/f/:token', async (c) => {
    const o = await open(c);
    if ('page' in o) return o.page;
    await markOpened(study.db, o.inv.id);
    return render(c, o.inv, o.inv.draft ?? {}, [], 200);
  });

  app.post('/f/:token', limit, async (c) => {
    const body = await formBody(c);
    const o = await open(c);
    if ('page' in o) return o.page;
    const { inv } = o;
    const { view, ids, askCoder } = formOf(inv);
    const fields = itemFields(body, ids);
    const errors: string[] = [];
    const coder = fields._coder?.trim() ?? '';
    if (askCoder && !CODER.test(coder)) errors.push('Coder: give your coder id (letters, digits, dots, dashes).');
    const raw: Record<string, string> = {};
    for (const id of ids) raw[id] = fields[id] ?? '';
    const scored = scoreView(view, raw);
    const number = (id: string) => ids.indexOf(id) + 1;
    for (const e of scored.errors)
      errors.push(`Item ${e.item ? number(e.item) : ''}: ${e.message.replace(/^item [^:]+: /, '')}`);
    if (errors.length === 0 && Object.values(scored.scales).some((s) => s.missing)) {
      const unanswered = ids.filter((id) => scored.keyed[id] === null && raw[id] === '');
      errors.push(`Please answer item${unanswered.length > 1 ? 's' : ''} ${unanswered.map(number).join(', ')}.`);
    }
    if (errors.length) return render(c, inv, fields, errors, 422);

    const items: Record<string, number | null> = {};
    for (const id of ids) {
      const r = parseItemValue(view, id, raw[id]);
      items[id] = r.ok ? r.value : null;
    }
    const respondent = askCoder ? coder : view.form.respondent;
    // The scales scoreView gave the raw strings are those of the parsed items: one scoring per submission, not two.
    const scores = scaleScores(scored.scales);
    const outcome = await submitInvitation(study.db, inv, respondent, items, scores, nowIso(), study.sqlite);
    if (outcome.status === 'gone')
      return htmlResponse(
        c,
        messagePage('Already submitted', 'This questionnaire has been submitted already. Thank you.', draftKeyOf(inv)),
        410,
      );
    return htmlResponse(
      c,
      messagePage('Thank you', 'Your answers are saved. You can close this page.', draftKeyOf(inv)),
      200,
    );
  });

  app.post('/f/:token/draft', limit, async (c) => {
    const body = await formBody(c);
    const o = await open(c);
    if ('page' in o) return c.body(null, o.status);
    const fields = itemFields(body, formOf(o.inv).ids);
    // A draft keeps short strings only; validation happens on submit.
    const draft = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.length <= 32));
    const kept = await saveDraft(study.db, o.inv.id, draft);
    return c.body(null, kept ? 204 : 410);
  });

  app.get('/code', (c) => htmlResponse(c, codePage()));

  app.post('/code', limit, async (c) => {
    const ip = clientAddress(c);
    if (perAddress.blocked(ip) || overall.blocked('*'))
      return htmlResponse(c, codePage('Too many wrong codes; wait ten minutes and try again.'), 429);
    const body = await formBody(c);
    const code = typeof body.code === 'string' ? body.code : '';
    const inv = code.length <= 16 ? await invitationByCode(study.db, code) : undefined;
    if (!inv) {
      perAddress.hit(ip);
      overall.hit('*');
      return htmlResponse(c, codePage('That code does not open a questionnaire. Check it and try again.'), 404);
    }
    return c.redirect(`/f/${linkToken(key, inv.id)}`, 303);
  });

  return app;
}

/** The browser's storage key for a draft: stable per invitation, naming neither client nor token. */
function draftKeyOf(inv: Invitation): string {
  return sha256(`draft\u0000${inv.id}`).slice(0, 20);
}

async function formBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type))
    throw new RequestError(415, 'a questionnaire is posted as a form (application/x-www-form-urlencoded)');
  try {
    // Every browser posts these forms urlencoded; URLSearchParams reads that without the FormData machinery
    // of parseBody (a Response built per request), which the load benchmark showed in every submission.
    if (/^application\/x-www-form-urlencoded/i.test(type)) {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(await c.req.text())) {
        const had = out[k];
        out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
      }
      return out;
    }
    return await c.req.parseBody({ all: true });
  } catch {
    throw new RequestError(400, 'the form data could not be read');
  }
}

/** The posted item fields (and the coder's id) as strings; any other field, a file or a repeat is refused. */
function itemFields(body: Record<string, unknown>, ids: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k !== '_coder' && !ids.includes(k))
      throw new RequestError(400, `this questionnaire has no field "${k.slice(0, 40)}"`);
    if (typeof v !== 'string') throw new RequestError(400, `field "${k}" must be given once, as text`);
    out[k] = v;
  }
  return out;
}

function readable(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
