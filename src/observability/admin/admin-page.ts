/**
 * @module observability/admin/admin-page
 * The admin page: one HTML document with inline CSS and script (no framework, no build step).
 * It opens a WebSocket to its own path with the same token and re-renders on every snapshot.
 * Everything a client chose (room names, ids, messages) is written with `textContent`, never as HTML.
 */

const STYLE = `
:root { color-scheme: light; --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --accent: #3056d3; --bad: #c0392b; --ok: #1e8e3e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 17px; margin: 0; }
header .meta { color: var(--muted); font-size: 12px; }
#status { margin-left: auto; padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; background: #fdecea; color: var(--bad); }
#status.live { background: #e6f4ea; color: var(--ok); }
main { padding: 18px 24px; display: grid; gap: 18px; grid-template-columns: 1fr 1fr; }
.cards { grid-column: 1 / -1; display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
section.wide { grid-column: 1 / -1; }
section h2 { font-size: 13px; margin: 0; padding: 10px 14px; border-bottom: 1px solid var(--line); text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 7px 14px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 500; }
td.wrap { white-space: normal; }
tr:last-child td { border-bottom: 0; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.empty { color: var(--muted); padding: 12px 14px; }
.tag { display: inline-block; background: #eef2ff; color: var(--accent); border-radius: 4px; padding: 0 6px; margin: 1px 2px; font-size: 12px; }
.code { color: var(--bad); font-weight: 600; }
button { font: inherit; font-size: 12px; border: 1px solid #f1b0a8; color: var(--bad); background: #fff; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
button:hover { background: #fdecea; }
`;

const SCRIPT = `
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  const ago = (ms) => { const s = Math.max(0, Math.round(ms / 1000)); return s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm ' + (s % 60) + 's' : Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm'; };
  const rate = (n) => n >= 100 ? Math.round(n).toLocaleString() : n.toFixed(1);
  const bytes = (n) => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
  const table = (target, headers, rows, empty) => {
    const box = $(target);
    box.replaceChildren(rows.length === 0 ? el('div', { class: 'empty' }, empty)
      : el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows)));
  };
  let socket;
  const send = (message) => socket && socket.readyState === 1 && socket.send(JSON.stringify(message));
  const render = (s) => {
    $('node').textContent = 'node ' + s.nodeId + ' \\u00b7 up ' + ago(s.uptimeSeconds * 1000);
    const inRate = s.events.reduce((a, e) => a + e.inPerSecond, 0);
    const outRate = s.events.reduce((a, e) => a + e.outPerSecond, 0);
    const cards = [['Connections', s.totals.connections], ['Rooms', s.totals.rooms], ['Memberships', s.totals.memberships],
      ['Messages in/s', rate(inRate)], ['Messages out/s', rate(outRate)], ['Errors', s.totals.errors]];
    $('cards').replaceChildren(...cards.map(([label, value]) => el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value))));
    table('connections', ['Client', 'Path', 'Address', 'Connected', 'Rooms', 'Buffered', ''], s.connections.map((c) =>
      el('tr', { 'data-client-id': c.id },
        el('td', {}, el('code', {}, c.id)), el('td', {}, c.path), el('td', {}, c.remoteAddress), el('td', {}, ago(s.at - c.connectedAt)),
        el('td', { class: 'wrap' }, ...c.rooms.map((r) => el('span', { class: 'tag' }, r)), ...(c.roomCount > c.rooms.length ? [el('span', {}, '+' + (c.roomCount - c.rooms.length) + ' more')] : [])), el('td', {}, bytes(c.bufferedBytes)),
        el('td', {}, el('button', { 'data-action': 'disconnect', title: 'Close this connection (1008)', onclick: () => send({ type: 'disconnect', id: c.id }) }, 'Disconnect')))),
      'No client connected');
    table('rooms', ['Room', 'Members', 'Member ids'], s.rooms.map((r) =>
      el('tr', { 'data-room': r.name }, el('td', {}, el('span', { class: 'tag' }, r.name)), el('td', {}, r.size),
        el('td', { class: 'wrap' }, ...r.members.map((m) => el('code', {}, m + ' '))))), 'No room has members');
    table('events', ['Event', 'In/s', 'Out/s', 'Total in', 'Total out', 'Avg handler'], s.events.map((e) =>
      el('tr', { 'data-event': e.event }, el('td', {}, el('code', {}, e.event)), el('td', {}, rate(e.inPerSecond)), el('td', {}, rate(e.outPerSecond)),
        el('td', {}, e.in.toLocaleString()), el('td', {}, e.out.toLocaleString()), el('td', {}, e.avgMs ? e.avgMs.toFixed(2) + ' ms' : '\\u2013'))), 'No traffic yet');
    table('errors', ['Time', 'Code', 'Event', 'Client', 'Message'], s.errors.map((e) =>
      el('tr', {}, el('td', {}, new Date(e.at).toLocaleTimeString()), el('td', { class: 'code' }, e.code), el('td', {}, e.event || '\\u2013'),
        el('td', {}, el('code', {}, e.clientId)), el('td', { class: 'wrap' }, e.message))), 'No errors');
  };
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    socket = new WebSocket(scheme + location.host + location.pathname + '?token=' + encodeURIComponent(token));
    socket.onopen = () => { $('status').textContent = 'live'; $('status').className = 'live'; };
    socket.onmessage = (event) => { const message = JSON.parse(event.data); if (message.type === 'snapshot') render(message); };
    socket.onclose = () => { $('status').textContent = 'reconnecting'; $('status').className = ''; setTimeout(connect, 2000); };
  };
  connect();
})();
`;

/** The live page; `nonce` allows its inline script and style under the page's CSP. */
export function adminPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ws-controllers admin</title><style nonce="${nonce}">${STYLE}</style></head>
<body>
<header><h1>ws-controllers admin</h1><span class="meta" id="node"></span><span id="status">connecting</span></header>
<main>
<div class="cards" id="cards"></div>
<section class="wide"><h2>Connections</h2><div id="connections"></div></section>
<section><h2>Rooms</h2><div id="rooms"></div></section>
<section><h2>Events</h2><div id="events"></div></section>
<section class="wide"><h2>Recent errors</h2><div id="errors"></div></section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>`;
}

/** The page asking for the token (no data, nothing to protect). */
export function tokenPage(nonce: string, wrongToken: boolean): string {
  const note = wrongToken
    ? '<p class="bad">That token is not valid.</p>'
    : '<p>This view needs the admin token.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ws-controllers admin</title>
<style nonce="${nonce}">body{font:14px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;background:#f6f7f9}
form{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:24px;display:grid;gap:10px}.bad{color:#c0392b}</style></head>
<body><form method="get"><strong>ws-controllers admin</strong>${note}
<input name="token" type="password" autocomplete="current-password" aria-label="Admin token" autofocus>
<button type="submit">Open</button></form></body></html>`;
}
