// Switchyard's dashboard: reads the Traefik-compatible API and redraws every few seconds. No framework.
'use strict';

const REFRESH_MS = 5000;
const ORDER = { disabled: 0, warning: 1, enabled: 2 };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function badge(status) { return el('span', { class: 'badge ' + status }, status); }

function errors(list) {
  if (!list || list.length === 0) return null;
  return el('ul', { class: 'errors' }, ...list.map((m) => el('li', null, m)));
}

function list(items) {
  if (!items || items.length === 0) return '';
  return el('ul', { class: 'plain' }, ...items.map((i) => el('li', null, el('code', null, i))));
}

async function getJSON(path) {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}

// Every page of a paginated endpoint, following X-Next-Page.
async function getAll(path) {
  let page = 1;
  const all = [];
  for (let guard = 0; guard < 100; guard++) {
    const res = await fetch(path + '?per_page=100&page=' + page, { cache: 'no-store' });
    if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
    all.push(...(await res.json()));
    const next = parseInt(res.headers.get('X-Next-Page') || '1', 10);
    if (next <= page) break;
    page = next;
  }
  return all;
}

function byStatusThenName(a, b) {
  return (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || a.name.localeCompare(b.name);
}

function fill(id, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows);
}

// The ban list (Switchyard's banList.filename and banList.crowdsec): bans in force, and what went wrong reading the
// file or pulling CrowdSec's decisions.
function banCard(b) {
  if (!b || !b.enabled) return null;
  const notes = [];
  if (b.file) notes.push(b.fileEntries + ' in the file');
  if (b.crowdsec) notes.push(b.crowdsec.decisions + ' from CrowdSec' +
    (b.crowdsec.error ? ' (unreachable: ' + b.crowdsec.error + ')' : ''));
  if (b.skippedLines && b.skippedLines.length) notes.push(b.skippedLines.length + ' lines skipped');
  if (b.readError) notes.push('unreadable: ' + b.readError);
  return el('div', { class: 'card', id: 'bans' }, 'Active bans', el('b', null, b.active),
    el('span', { class: 'muted' }, notes.join(', ')));
}

function drawOverview(o, bans) {
  const card = (title, s) => el('div', { class: 'card' }, title, el('b', null, s.total),
    el('span', { class: 'muted' }, s.warnings + ' warnings, ' + s.errors + ' errors'));
  const cards = [card('TCP routers', o.tcp.routers), card('TCP services', o.tcp.services),
    card('TCP middlewares', o.tcp.middlewares), banCard(bans)];
  document.getElementById('overview').replaceChildren(...cards.filter((c) => c));
}

function drawEntryPoints(eps) {
  fill('entrypoints', eps.map((e) => el('tr', { 'data-name': e.name },
    el('td', null, e.name), el('td', null, el('code', null, e.address)),
    el('td', null, e.proxyProtocol ? (e.proxyProtocol.insecure ? 'any sender'
      : 'trusted: ' + (e.proxyProtocol.trustedIPs || []).join(', ')) : 'off'),
    el('td', null, e.starttls ? e.starttls.protocol : 'off'))));
}

function drawRouters(routers, activity) {
  routers.sort(byStatusThenName);
  fill('routers', routers.map((r) => el('tr', { class: r.status, 'data-name': r.name },
    el('td', null, badge(r.status)),
    el('td', null, el('code', null, r.name), errors(r.error)),
    el('td', null, el('code', null, r.rule || '')),
    el('td', null, (r.using || r.entryPoints || []).join(', ')),
    el('td', null, r.tls ? (r.tls.passthrough ? 'passthrough' : 'terminate') : ''),
    el('td', null, el('code', null, r.service || '')),
    el('td', null, r.priorityStr || ''),
    ...trafficCells(activity.routers[r.name], activity))));
}

function servers(s, activity) {
  if (s.loadBalancer) {
    const st = s.serverStatus || {};
    const seen = activity.servers[s.name] || {};
    const items = (s.loadBalancer.servers || []).map((x) => {
      const t = traffic(seen[x.address], activity);
      // serverStatus: UP, or DOWN (health checks), shown as a badge of its own.
      const state = st[x.address];
      return el('li', { 'data-server': x.address, 'data-status': state || '' },
        el('code', null, x.address), state ? el('span', { class: 'server ' + state.toLowerCase() }, state) : null,
        t ? el('span', { class: 'muted' }, ' ' + t.open + ' open') : null, t ? t.chart : null);
    });
    return items.length ? el('ul', { class: 'plain' }, ...items) : '';
  }
  if (s.weighted) return list((s.weighted.services || []).map((x) => x.name + ' ×' + (x.weight ?? 1)));
  return '';
}

function drawServices(services, activity) {
  services.sort(byStatusThenName);
  fill('services', services.map((s) => el('tr', { class: s.status, 'data-name': s.name },
    el('td', null, badge(s.status)),
    el('td', null, el('code', null, s.name), errors(s.error)),
    el('td', null, s.type || ''),
    el('td', null, servers(s, activity)),
    el('td', null, list(s.usedBy)),
    ...trafficCells(activity.services[s.name], activity))));
}

function drawMiddlewares(mws) {
  mws.sort(byStatusThenName);
  fill('middlewares', mws.map((m) => el('tr', { class: m.status, 'data-name': m.name },
    el('td', null, badge(m.status)),
    el('td', null, el('code', null, m.name), errors(m.error)),
    el('td', null, m.type || ''),
    el('td', null, list(m.usedBy)))));
}

// ---- traffic: the API's sampled counters (/api/switchyard/activity) as rates and small charts

const SVG = 'http://www.w3.org/2000/svg';

// Bytes per second between neighbouring samples of a cumulative series.
function rates(series, seconds) {
  const out = [];
  for (let i = 1; i < series.bytesIn.length; i++) {
    const d = (series.bytesIn[i] - series.bytesIn[i - 1]) + (series.bytesOut[i] - series.bytesOut[i - 1]);
    out.push(Math.max(0, d) / seconds);
  }
  return out;
}

function human(bps) {
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let v = bps, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return (v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[u];
}

// Bars of bytes/s, newest on the right; the window is at least two minutes wide and grows to the ten sampled.
function chart(values) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 120 28');
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1, ...values);
  const width = 120 / Math.max(24, values.length);
  values.forEach((v, i) => {
    const bar = document.createElementNS(SVG, 'rect');
    const height = v > 0 ? Math.max(1, (v / max) * 26) : 0;
    bar.setAttribute('x', (120 - (values.length - i) * width).toFixed(2));
    bar.setAttribute('y', (28 - height).toFixed(2));
    bar.setAttribute('width', Math.max(0.5, width - 0.4).toFixed(2));
    bar.setAttribute('height', height.toFixed(2));
    svg.append(bar);
  });
  const title = document.createElementNS(SVG, 'title');
  title.textContent = 'peak ' + human(values.length ? Math.max(...values) : 0);
  svg.append(title);
  return svg;
}

// One element's traffic: open connections now, and a chart of bytes/s over the sampled minutes with the rate now.
function traffic(series, activity) {
  if (!series) return null;
  const seconds = parseFloat(activity.interval) || 5;
  const r = rates(series, seconds);
  const now = r.length ? r[r.length - 1] : 0;
  return {
    open: series.open.length ? series.open[series.open.length - 1] : 0,
    chart: el('div', { class: 'traffic' }, chart(r), el('span', { class: 'rate' }, human(now))),
  };
}

function trafficCells(series, activity) {
  const t = traffic(series, activity);
  return [el('td', { class: 'num open' }, t ? t.open : ''), el('td', null, t ? t.chart : '')];
}

function drawRefusals(activity) {
  const rows = (activity.refusals || []).map((x) => el('tr', { 'data-outcome': x.outcome },
    el('td', null, new Date(x.time * 1000).toLocaleTimeString()), el('td', null, x.entryPoint),
    el('td', null, el('code', null, x.client)), el('td', null, x.router ? el('code', null, x.router) : ''),
    el('td', null, el('span', { class: 'outcome' }, x.outcome))));
  if (rows.length === 0) rows.push(el('tr', null, el('td', { colspan: 5, class: 'muted' }, 'none since start')));
  fill('refusals', rows);
}

async function getBans() {
  const res = await fetch('/api/switchyard/bans', { cache: 'no-store' });
  return res.ok ? res.json() : null;
}

async function getActivity() {
  const res = await fetch('/api/switchyard/activity', { cache: 'no-store' });
  if (!res.ok) return { interval: '5s', times: [], routers: {}, services: {}, servers: {}, refusals: [] };
  return res.json();
}

async function refresh() {
  const banner = document.getElementById('error');
  try {
    const [version, overview, eps, routers, services, mws, activity, bans] = await Promise.all([
      getJSON('/api/version'), getJSON('/api/overview'), getAll('/api/entrypoints'),
      getAll('/api/tcp/routers'), getAll('/api/tcp/services'), getAll('/api/tcp/middlewares'), getActivity(),
      getBans()]);
    document.getElementById('version').textContent = 'v' + version.Version;
    drawOverview(overview, bans);
    drawEntryPoints(eps);
    drawRouters(routers, activity);
    drawServices(services, activity);
    drawMiddlewares(mws);
    drawRefusals(activity);
    document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
    banner.hidden = true;
  } catch (e) {
    banner.textContent = 'Cannot reach the API: ' + e.message;
    banner.hidden = false;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
