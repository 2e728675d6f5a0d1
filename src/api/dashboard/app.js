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

function drawOverview(o) {
  const card = (title, s) => el('div', { class: 'card' }, title, el('b', null, s.total),
    el('span', { class: 'muted' }, s.warnings + ' warnings, ' + s.errors + ' errors'));
  document.getElementById('overview').replaceChildren(
    card('TCP routers', o.tcp.routers), card('TCP services', o.tcp.services),
    card('TCP middlewares', o.tcp.middlewares));
}

function drawEntryPoints(eps) {
  fill('entrypoints', eps.map((e) => el('tr', { 'data-name': e.name },
    el('td', null, e.name), el('td', null, el('code', null, e.address)),
    el('td', null, e.proxyProtocol ? (e.proxyProtocol.insecure ? 'any sender'
      : 'trusted: ' + (e.proxyProtocol.trustedIPs || []).join(', ')) : 'off'))));
}

function drawRouters(routers) {
  routers.sort(byStatusThenName);
  fill('routers', routers.map((r) => el('tr', { class: r.status, 'data-name': r.name },
    el('td', null, badge(r.status)),
    el('td', null, el('code', null, r.name), errors(r.error)),
    el('td', null, el('code', null, r.rule || '')),
    el('td', null, (r.using || r.entryPoints || []).join(', ')),
    el('td', null, r.tls ? (r.tls.passthrough ? 'passthrough' : 'terminate') : ''),
    el('td', null, el('code', null, r.service || '')),
    el('td', null, r.priorityStr || ''))));
}

function servers(s) {
  if (s.loadBalancer) {
    const st = s.serverStatus || {};
    return list((s.loadBalancer.servers || []).map((x) => x.address + (st[x.address] ? ' ' + st[x.address] : '')));
  }
  if (s.weighted) return list((s.weighted.services || []).map((x) => x.name + ' ×' + (x.weight ?? 1)));
  return '';
}

function drawServices(services) {
  services.sort(byStatusThenName);
  fill('services', services.map((s) => el('tr', { class: s.status, 'data-name': s.name },
    el('td', null, badge(s.status)),
    el('td', null, el('code', null, s.name), errors(s.error)),
    el('td', null, s.type || ''),
    el('td', null, servers(s)),
    el('td', null, list(s.usedBy)))));
}

function drawMiddlewares(mws) {
  mws.sort(byStatusThenName);
  fill('middlewares', mws.map((m) => el('tr', { class: m.status, 'data-name': m.name },
    el('td', null, badge(m.status)),
    el('td', null, el('code', null, m.name), errors(m.error)),
    el('td', null, m.type || ''),
    el('td', null, list(m.usedBy)))));
}

async function refresh() {
  const banner = document.getElementById('error');
  try {
    const [version, overview, eps, routers, services, mws] = await Promise.all([
      getJSON('/api/version'), getJSON('/api/overview'), getAll('/api/entrypoints'),
      getAll('/api/tcp/routers'), getAll('/api/tcp/services'), getAll('/api/tcp/middlewares')]);
    document.getElementById('version').textContent = 'v' + version.Version;
    drawOverview(overview);
    drawEntryPoints(eps);
    drawRouters(routers);
    drawServices(services);
    drawMiddlewares(mws);
    document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
    banner.hidden = true;
  } catch (e) {
    banner.textContent = 'Cannot reach the API: ' + e.message;
    banner.hidden = false;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
