// Tidemark status page: plans with their phase and per-database progress, recent events, and operator
// buttons. Plain browser JavaScript, no build step. Everything comes from the daemon's JSON API
// (openapi.yaml) with the token the user typed, kept in sessionStorage and sent only as a bearer header —
// never in a URL, so it ends up in no history, log or Referer. Text from the API is only ever inserted
// with textContent, never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'tidemark.token';
  const REFRESH_MS = 2000;
  const PLANS_SHOWN = 20;
  const EVENTS_SHOWN = 12;
  const EVENTS_PAGE = 200;
  const ENDED = new Set(['completed', 'cancelled', 'rolled-back']);
  // Mirrors PlanOperations: which states allow which action (the server decides; this only hides buttons).
  const PAUSABLE = new Set(['submitted', 'expanding', 'migrating', 'contracting', 'rolling-back', 'failed']);
  const ROLLBACKABLE = new Set(['submitted', 'expanding', 'migrating', 'awaiting-approval', 'failed', 'paused']);

  const state = { may: new Set(), timer: null, events: new Map(), openEvents: new Set() };
  const $ = (id) => document.getElementById(id);

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token(), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(path, {
      method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch (e) {
      json = { message: text };
    }
    if (!res.ok) {
      const error = new Error(json.message || res.status + ' ' + res.statusText);
      error.status = res.status;
      throw error;
    }
    return json;
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) {
        return;
      }
      if (k === 'class') {
        node.className = v;
      } else if (k.startsWith('data-')) {
        node.setAttribute(k, String(v));
      } else {
        node[k] = v;
      }
    });
    children.flat().forEach((c) => {
      if (c !== null && c !== undefined) {
        node.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    });
    return node;
  }

  function message(text, isError) {
    const m = $('message');
    m.hidden = !text;
    m.textContent = text || '';
    m.className = isError ? 'error' : '';
  }

  // ---- session

  async function start() {
    $('login').hidden = true;
    $('forget').hidden = false;
    let me;
    try {
      // Who the token is and what it may do: the buttons follow `may`, and nothing is tried to find out.
      me = await api('GET', '/whoami');
    } catch (e) {
      if (e.status === 401) {
        logout('That token was not accepted.');
        return;
      }
      me = { role: '', may: [] };
      message('Could not read the token\'s role: ' + e.message, true);
    }
    state.may = new Set(me.may || []);
    $('role').textContent = me.role || '';
    $('role').title = me.name ? 'token ' + me.name : '';
    refresh();
  }

  function logout(reason) {
    clearTimeout(state.timer);
    sessionStorage.removeItem(TOKEN_KEY);
    state.events.clear();
    $('plans').replaceChildren();
    $('role').textContent = '';
    $('updated').textContent = '';
    $('forget').hidden = true;
    $('login').hidden = false;
    message(reason || null, Boolean(reason));
    $('token').focus();
  }

  // ---- refresh

  async function refresh() {
    clearTimeout(state.timer);
    try {
      const list = (await api('GET', '/plans')).plans || [];
      const shown = list.slice().sort(byInterest).slice(0, PLANS_SHOWN);
      const plans = await Promise.all(shown.map((p) => api('GET', '/plans/' + enc(p.id))));
      await Promise.all(plans.map(loadEvents));
      render(plans, list.length);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      if ($('message').className === 'error') {
        message(null);
      }
    } catch (e) {
      if (e.status === 401) {
        logout('The token is no longer accepted.');
        return;
      }
      message('Could not refresh: ' + e.message, true);
    }
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  /** Plans still in flight first, then the most recently changed. */
  function byInterest(a, b) {
    const ended = Number(ENDED.has(a.state)) - Number(ENDED.has(b.state));
    return ended !== 0 ? ended : String(b['updated-at']).localeCompare(String(a['updated-at']));
  }

  /** Reads the events after the last one seen (the API pages oldest first) and keeps the newest. */
  async function loadEvents(plan) {
    const seen = state.events.get(plan.id) || { after: 0, list: [] };
    for (let page = 0; page < 50; page++) {
      const got = (await api('GET', '/plans/' + enc(plan.id) + '/events?after=' + seen.after + '&limit=' + EVENTS_PAGE))
        .events || [];
      if (got.length === 0) {
        break;
      }
      seen.list = seen.list.concat(got.filter((e) => !isBatch(e))).slice(-EVENTS_SHOWN);
      seen.after = got[got.length - 1].id;
      if (got.length < EVENTS_PAGE) {
        break;
      }
    }
    state.events.set(plan.id, seen);
  }

  /** A committed backfill batch (one event each, several a second): progress shows them better. */
  function isBatch(e) {
    return e.kind === 'statement' && String(e.statement || '').startsWith('batch of ');
  }

  // ---- rendering

  function render(plans, total) {
    const main = $('plans');
    if (plans.length === 0) {
      main.replaceChildren(el('p', { class: 'muted' }, 'No plans yet. Submit one with `tidemark submit FILE`.'));
      return;
    }
    const cards = plans.map(planCard);
    if (total > plans.length) {
      cards.push(el('p', { class: 'muted' }, `${total - plans.length} older plans not shown (see GET /plans).`));
    }
    main.replaceChildren(...cards);
  }

  function planCard(p) {
    return el('section', { class: 'plan', 'data-plan': p.id, 'data-state': p.state },
      el('div', { class: 'plan-head' },
        el('h2', {}, p.id),
        el('span', { class: 'badge ' + p.state }, p.state),
        el('span', { class: 'muted' }, 'phase ' + p.phase),
        el('span', { class: 'muted' }, p.description || ''),
        el('div', { class: 'actions' }, actions(p))),
      p['last-error'] ? el('p', { class: 'error-text' }, p['last-error']) : null,
      throttleLine(p),
      databaseTable(p),
      eventList(p));
  }

  function throttleLine(p) {
    const t = p.throttle || {};
    const parts = [];
    if (t['max-rows-per-second'] !== null && t['max-rows-per-second'] !== undefined) {
      parts.push('rate set by an operator: ' + (t['max-rows-per-second'] === 0 ? 'no cap' : t['max-rows-per-second'] + ' rows/s'));
    }
    if (t['operator-throttle']) {
      parts.push('held by an operator (tidemark throttle --release lifts it)');
    }
    return parts.length ? el('p', { class: 'throttle' }, parts.join('; ')) : null;
  }

  function actions(p) {
    const buttons = [];
    if (PAUSABLE.has(p.state)) {
      buttons.push(actionButton(p, 'pause', 'Pause'));
    }
    if (p.state === 'paused') {
      buttons.push(actionButton(p, 'resume', 'Resume'));
    }
    if (p.state === 'awaiting-approval') {
      buttons.push(actionButton(p, 'approve', 'Approve contract',
        'Approve the contract phase of ' + p.id + '? Only once the application release that no longer needs the'
          + ' old schema runs everywhere: contract steps such as dropped columns cannot be rolled back.'));
    }
    if ((p.phase === 'expand' || p.phase === 'migrate') && ROLLBACKABLE.has(p.state)
        && !(p.state === 'paused' && p['resume-state'] === 'contracting')) {
      buttons.push(actionButton(p, 'rollback', 'Roll back',
        'Roll back ' + p.id + '? The expand steps run so far are undone on every database, last first.', 'danger'));
    }
    return buttons.filter((b) => b !== null);
  }

  function actionButton(p, action, label, confirmText, cls) {
    if (!state.may.has(action)) {
      return null;
    }
    const b = el('button', { type: 'button', class: cls, 'data-action': action, 'data-plan': p.id }, label);
    b.addEventListener('click', () => act(b, p.id, action, confirmText));
    return b;
  }

  async function act(button, id, action, confirmText) {
    if (confirmText && !window.confirm(confirmText)) {
      return;
    }
    button.disabled = true;
    try {
      const r = await api('POST', '/plans/' + enc(id) + '/' + action);
      message(`${action}: plan ${id} is now ${r.state}.`);
    } catch (e) {
      message(`${action} refused: ${e.message}`, true);
    }
    refresh();
  }

  function databaseTable(p) {
    const rows = (p.databases || []).map((d) => databaseRow(d));
    return el('table', {},
      el('thead', {}, el('tr', {}, ['database', 'phase', 'state', 'progress', 'rows', 'rate', 'ETA', 'throttle / step']
        .map((h) => el('th', {}, h)))),
      el('tbody', {}, rows));
  }

  function databaseRow(d) {
    const backfills = d.backfills || [];
    const b = backfills.find((x) => !x.finished) || backfills[backfills.length - 1];
    const detail = [];
    if (b && b['throttle-reason'] && !b.finished) {
      detail.push(el('span', { class: 'throttle' }, 'throttled: ' + b['throttle-reason']));
    }
    if (d['current-step']) {
      detail.push(el('div', { class: 'muted' }, d['current-step']));
    }
    if (d['last-error']) {
      detail.push(el('div', { class: 'error-text' }, d['last-error']));
    }
    return el('tr', { 'data-database': d.database, 'data-state': d.state, 'data-rows-done': b ? b['rows-done'] : '' },
      el('td', {}, d.database),
      el('td', {}, d.phase),
      el('td', {}, el('span', { class: 'badge ' + d.state }, d.state)),
      el('td', {}, b ? progressBar(b) : ''),
      el('td', { class: 'num' }, b ? `${fmt(b['rows-done'])} / ${fmt(b['rows-estimated'])}` : ''),
      el('td', { class: 'num' }, b ? fmt(Math.round(b['rows-per-second'] || 0)) + '/s' : ''),
      el('td', { class: 'num' }, b ? eta(b['eta-seconds']) : ''),
      el('td', {}, detail));
  }

  function progressBar(b) {
    const ratio = Math.max(0, Math.min(1, Number(b.ratio) || 0));
    const pct = Math.round(ratio * 100);
    const fill = el('span', {});
    fill.style.width = pct + '%'; // through the CSSOM: the page's CSP allows no inline style attribute
    return el('div', { class: 'progress' },
      el('div', { class: 'bar' + (b.finished ? ' done' : ''), title: pct + '%', 'data-ratio': ratio }, fill),
      el('span', { class: 'pct' }, pct + '%'));
  }

  function eventList(p) {
    const seen = state.events.get(p.id);
    const events = seen ? seen.list.slice().reverse() : [];
    const details = el('details', { open: state.openEvents.has(p.id) },
      el('summary', {}, `recent events (${events.length}; backfill batches not listed)`),
      el('ol', { class: 'events' }, events.map(eventLine)));
    details.addEventListener('toggle', () => {
      if (details.open) {
        state.openEvents.add(p.id);
      } else {
        state.openEvents.delete(p.id);
      }
    });
    return details;
  }

  function eventLine(e) {
    const where = [e.database, e.step].filter(Boolean).join(' ');
    const what = [e.kind, e.outcome, e.sqlstate].filter(Boolean).join(' ');
    const text = e.message || e.statement || '';
    return el('li', {}, `${new Date(e.at).toLocaleTimeString()} ${where ? where + ' ' : ''}${what}`
      + `${text ? ': ' + text.slice(0, 200) : ''}${e.actor ? ' (' + e.actor + ')' : ''}`);
  }

  function fmt(n) {
    return n === null || n === undefined ? '?' : Number(n).toLocaleString();
  }

  function eta(seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) {
      return '?';
    }
    const s = Math.round(seconds);
    if (s >= 3600) {
      return Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm';
    }
    return s >= 60 ? Math.floor(s / 60) + 'm' + (s % 60) + 's' : s + 's';
  }

  // ---- wiring

  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
      message(null);
      start();
    }
  });
  $('forget').addEventListener('click', () => logout(null));

  if (token()) {
    start();
  } else {
    logout(null);
  }
})();
