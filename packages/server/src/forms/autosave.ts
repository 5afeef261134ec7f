/**
 * The one script of the client pages, a progressive enhancement: the form works without it. It turns
 * visual-analogue number fields into sliders (left unanswered until moved), keeps a draft in the browser's
 * storage and on the server as the client answers, restores it on reload, and clears it once the form is done.
 * Served from /static/autosave.js so the content security policy can allow this script and no other.
 */
export const AUTOSAVE_JS = `(() => {
  'use strict';
  const PREFIX = 'alliance-draft:';
  const store = {
    get(k) { try { return JSON.parse(localStorage.getItem(PREFIX + k) || 'null'); } catch { return null; } },
    set(k, v) { try { localStorage.setItem(PREFIX + k, JSON.stringify(v)); } catch {} },
    drop(k) { try { localStorage.removeItem(PREFIX + k); } catch {} },
  };
  const done = document.querySelector('[data-clear-draft]');
  if (done) { store.drop(done.dataset.clearDraft); return; }
  const form = document.querySelector('form[data-draft]');
  if (!form) return;
  const key = form.dataset.key;

  const sliders = [];
  for (const input of form.querySelectorAll('input[data-slider]')) {
    const range = document.createElement('input');
    range.type = 'range';
    range.min = input.min; range.max = input.max; range.step = input.step;
    range.id = input.id + '-slider';
    range.setAttribute('aria-label', input.dataset.label + ' (slider)');
    const readout = document.createElement('p');
    readout.className = 'marked';
    readout.setAttribute('aria-live', 'polite');
    const show = () => {
      const answered = input.value !== '';
      range.classList.toggle('untouched', !answered);
      range.value = answered ? input.value : String((Number(input.min) + Number(input.max)) / 2);
      range.setAttribute('aria-valuetext', answered ? input.value : 'not answered yet');
      readout.textContent = answered ? 'Marked at ' + input.value : 'Not answered yet: move the slider.';
    };
    range.addEventListener('input', () => {
      input.value = Number(range.value).toFixed(input.step.includes('.') ? input.step.split('.')[1].length : 0);
      show();
      changed();
    });
    input.addEventListener('input', show);
    input.parentNode.insertBefore(range, input);
    input.parentNode.insertBefore(readout, input.nextSibling);
    sliders.push(show);
  }

  const values = () => {
    const out = {};
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v !== '') out[k] = v;
    return out;
  };
  const saved = store.get(key);
  if (saved && typeof saved === 'object') {
    for (const [k, v] of Object.entries(saved)) {
      const els = form.elements.namedItem(k);
      if (!els) continue;
      if (els instanceof RadioNodeList) { for (const el of els) if (el.value === v) el.checked = true; }
      else if (els.value === '') els.value = v;
    }
  }
  for (const show of sliders) show();

  let timer = 0;
  const send = () => {
    timer = 0;
    fetch(form.dataset.draft, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(values()),
      credentials: 'omit',
      keepalive: true,
    }).catch(() => {});
  };
  function changed() {
    store.set(key, values());
    if (!timer) timer = setTimeout(send, 800);
  }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  const errors = document.getElementById('errors');
  if (errors) errors.focus();
})();
`;
