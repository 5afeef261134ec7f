import type { Staff } from '@alliance-lab/core';
import { html } from 'hono/html';
import { layout } from '../pages/layout';

type Html = ReturnType<typeof html>;

/** The analyst layout with the staff member's navigation and a sign-out button (a POST, with its CSRF token). */
export function staffPage(opts: {
  title: string;
  study: string;
  staff: Staff;
  csrf: string;
  body: Html | Html[];
}): Html {
  const { staff } = opts;
  const links: [string, string][] = [
    ['/grid', 'Completion grid'],
    ...(staff.role !== 'analyst'
      ? ([
          ['/people', 'Clients and sessions'],
          ['/links', 'Links'],
          ['/invitations', 'Invitation log'],
        ] as [string, string][])
      : []),
    ['/alerts', 'Alerts'],
    ...(staff.role === 'admin'
      ? ([
          ['/staff', 'Staff'],
          ['/audit', 'Audit'],
        ] as [string, string][])
      : []),
  ];
  return layout({
    title: opts.title,
    study: opts.study,
    body: [
      html`<nav aria-label="Staff"><ul class="staff-nav">${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
<li><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${opts.csrf}"><button type="submit">Sign out ${staff.name} (${staff.role})</button></form></li></ul></nav>
<style>.staff-nav{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
.staff-nav form{margin:0} td.done{background:#e3f4e1} td.due{background:#fff7d6} td.overdue{background:#ffe2c4}
td.expired{background:#f9d4d4} td.not-scheduled{color:#595959} label{display:block;margin:.4rem 0} label.inline{display:inline} .error{color:#8a1c1c} form.filters label{display:inline;margin-right:.3rem} form.filters input,form.filters select{margin-right:.8rem} input,select,button{font:inherit;padding:.3rem .5rem}</style>`,
      ...(Array.isArray(opts.body) ? opts.body : [opts.body]),
    ],
  });
}
