/**
 * The dashboard's browser script, served as `assets/dashboard.js`. Plain ES2020, no build step.
 * Everything from the server is written with `textContent`, never as HTML, so nothing a provider
 * or a payload sends can run in the operator's browser. The operator token lives in
 * `sessionStorage` (gone with the tab) and is sent only as the `X-Operator-Token` header.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(function () {
  var body = document.body;
  var base = body.getAttribute('data-base') || '';
  var refreshMs = Number(body.getAttribute('data-refresh-ms')) || 5000;
  var charts = {};
  var last = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c != null) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function token() { return sessionStorage.getItem('operatorToken') || ''; }
  function say(text, isError) { var m = document.getElementById('message'); m.textContent = text; m.className = isError ? 'error' : ''; }
  function fmtMs(v) { return v == null ? '–' : (v >= 1000 ? (v / 1000).toFixed(2) + ' s' : (v >= 10 ? Math.round(v) : v.toFixed(1)) + ' ms'); }
  function fmtPct(v) { return (v * 100).toFixed(1) + ' %'; }
  function fmtTime(iso) { return iso ? new Date(iso).toLocaleString() : '–'; }
  function pill(status) { return el('span', { class: 'pill ' + status, text: status }); }
  function tile(connector, field, label, value) {
    return el('div', { class: 'tile' }, [el('div', { class: 'v', 'data-connector': connector, 'data-field': field, text: String(value) }), el('div', { class: 'k', text: label })]);
  }
  function table(headers, rows, attrs) {
    return el('table', attrs || null, [el('thead', null, [el('tr', null, headers.map(function (h) { return el('th', { text: h }); }))]), el('tbody', null, rows)]);
  }
  function td(text, cls) { return el('td', cls ? { class: cls, text: String(text) } : { text: String(text) }); }

  function request(path, init) {
    init = init || {};
    var headers = { accept: 'application/json' };
    if (init.body) headers['content-type'] = 'application/json';
    if (init.auth) headers['x-operator-token'] = token();
    return fetch(base + path, { method: init.method || 'GET', headers: headers, body: init.body, credentials: 'omit', cache: 'no-store' }).then(function (r) {
      return r.json().then(function (data) { if (!r.ok) { var e = new Error(data.message || data.error || ('HTTP ' + r.status)); e.status = r.status; throw e; } return data; });
    });
  }

  function chart(id, target, series, data, extra) {
    var width = Math.max(260, target.clientWidth || 300);
    var existing = charts[id];
    if (existing && existing.root.isConnected && existing.width === width) { existing.plot.setData(data); return existing.root; }
    if (existing) existing.plot.destroy();
    var opts = { width: width, height: 150, legend: { show: true, live: false }, scales: { x: { time: true } }, axes: [{}, { size: 55 }], series: [{}].concat(series) };
    if (extra) { Object.assign(opts.scales, extra.scales); opts.axes = opts.axes.concat(extra.axes); }
    var plot = new uPlot(opts, data, target);
    charts[id] = { plot: plot, root: plot.root, width: width };
    return plot.root;
  }

  function renderConnector(c) {
    var points = c.series || [];
    var slotMs = points.length > 1 ? points[1].time - points[0].time : 10000;
    var perMinute = 60000 / slotMs;
    var w = c.health.window || { attempts: 0, calls: 0, failedCalls: 0, errorRate: 0 };
    var lastMinute = points.slice(-Math.max(1, Math.round(perMinute))).reduce(function (n, p) { return n + p.calls; }, 0);
    var waits = c.pacing.reduce(function (n, p) { return n + p.waits; }, 0);
    var waitMs = c.pacing.reduce(function (n, p) { return n + p.waitMs; }, 0);
    var card = el('div', { class: 'card', 'data-connector-card': c.connector }, [
      el('div', { class: 'card-head' }, [el('h3', { text: c.connector }), pill(c.health.status), el('span', { class: 'muted', text: 'last success ' + fmtTime(c.health.lastSuccessAt) })]),
      el('div', { class: 'tiles' }, [
        tile(c.connector, 'calls-per-minute', 'calls, last min', lastMinute),
        tile(c.connector, 'attempts', 'attempts (window)', w.attempts),
        tile(c.connector, 'calls', 'calls (window)', w.calls),
        tile(c.connector, 'failed-calls', 'failed calls', w.failedCalls),
        tile(c.connector, 'error-rate', 'error rate', fmtPct(w.errorRate)),
        tile(c.connector, 'p50', 'p50', fmtMs(w.p50Ms)),
        tile(c.connector, 'p95', 'p95', fmtMs(w.p95Ms)),
        tile(c.connector, 'p99', 'p99', fmtMs(w.p99Ms))
      ]),
      el('div', { class: 'charts' }, [
        el('div', null, [el('div', { class: 'chart-title', text: 'calls per minute, error rate' }), el('div', { class: 'chart', 'data-chart': c.connector + '-calls' })]),
        el('div', null, [el('div', { class: 'chart-title', text: 'attempt latency (ms)' }), el('div', { class: 'chart', 'data-chart': c.connector + '-latency' })])
      ]),
      el('div', { class: 'facts' }, [
        el('div', null, [el('b', { text: 'Rate limits' }), el('div', null, [el('span', { 'data-connector': c.connector, 'data-field': 'rate-limited', text: String(c.rateLimited) }), ' rate-limited responses']),
          el('div', null, [el('span', { 'data-connector': c.connector, 'data-field': 'pacing-waits', text: String(waits) }), ' pacing waits, ' + fmtMs(waitMs) + ' in total']),
          el('ul', null, c.pacing.map(function (p) { return el('li', { text: p.reason + ': ' + p.waits + ' (' + fmtMs(p.waitMs) + ')' }); })),
          el('ul', null, c.sharedBudgets.map(function (b) { return el('li', { text: 'shared budget ' + b.budget + ' unavailable since ' + fmtTime(b.since) }); }))]),
        el('div', null, [el('b', { text: 'Circuit' }), el('div', { 'data-connector': c.connector, 'data-field': 'circuit', text: c.circuits.length ? c.circuits.map(function (x) { return x.host + ' ' + x.state; }).join(', ') : 'closed' })]),
        el('div', null, [el('b', { text: 'Provider status' }), providerView(c)])
      ]),
      c.health.reasons.length ? el('ul', null, c.health.reasons.map(function (r) { return el('li', { class: r.severity, text: r.message }); })) : null,
      c.operations.length ? table(['operation', 'calls', 'failed', 'error rate', 'p50', 'p95', 'p99'], c.operations.map(function (o) {
        return el('tr', null, [td(o.operation), td(o.window.calls, 'num'), td(o.window.failedCalls, 'num'), td(fmtPct(o.window.errorRate), 'num'), td(fmtMs(o.window.p50Ms), 'num'), td(fmtMs(o.window.p95Ms), 'num'), td(fmtMs(o.window.p99Ms), 'num')]);
      })) : null
    ]);
    return { card: card, points: points, perMinute: perMinute };
  }

  function providerView(c) {
    var p = c.provider;
    if (!p) return el('div', { class: 'muted', text: 'not watched' });
    if (!p.reachable) return el('div', { class: 'muted', 'data-connector': c.connector, 'data-field': 'provider', text: 'status page unreachable (no conclusion drawn)' });
    return el('div', null, [
      el('div', { 'data-connector': c.connector, 'data-field': 'provider', text: p.indicator === 'none' ? 'operational' : p.indicator + ': ' + p.description }),
      el('ul', null, p.incidents.map(function (i) { return el('li', { text: i.name + ' (' + i.status + ', ' + i.impact + ')' }); }).concat(p.components.map(function (x) { return el('li', { text: x.name + ': ' + x.status.replace(/_/g, ' ') }); })))
    ]);
  }

  function renderConnectors(list) {
    var root = clear(document.getElementById('connectors'));
    if (!list.length) { root.appendChild(el('p', { class: 'muted', text: 'No connector observed yet.' })); return; }
    var cards = el('div', { class: 'cards' });
    root.appendChild(cards);
    list.forEach(function (c) {
      var view = renderConnector(c);
      cards.appendChild(view.card);
      var xs = view.points.map(function (p) { return p.time / 1000; });
      chart(c.connector + '-calls', view.card.querySelector('[data-chart="' + c.connector + '-calls"]'),
        [{ label: 'calls/min', stroke: '#0969da', width: 2 }, { label: 'failed/min', stroke: '#cf222e', width: 2 }, { label: 'error rate %', stroke: '#8250df', width: 1, dash: [4, 3], scale: '%', points: { show: true, size: 4 } }],
        [xs, view.points.map(function (p) { return p.calls * view.perMinute; }), view.points.map(function (p) { return p.failedCalls * view.perMinute; }), view.points.map(function (p) { return p.calls ? p.errorRate * 100 : null; })],
        { scales: { '%': { range: [0, 100] } }, axes: [{ scale: '%', side: 1, size: 40, grid: { show: false } }] });
      chart(c.connector + '-latency', view.card.querySelector('[data-chart="' + c.connector + '-latency"]'),
        [{ label: 'p50', stroke: '#1a7f37', width: 2, points: { show: true, size: 5 } }, { label: 'p95', stroke: '#9a6700', width: 2, points: { show: true, size: 5 } }, { label: 'p99', stroke: '#cf222e', width: 2, points: { show: true, size: 5 } }],
        [xs, view.points.map(function (p) { return p.p50Ms == null ? null : p.p50Ms; }), view.points.map(function (p) { return p.p95Ms == null ? null : p.p95Ms; }), view.points.map(function (p) { return p.p99Ms == null ? null : p.p99Ms; })]);
    });
    Object.keys(charts).forEach(function (id) { if (!charts[id].root.isConnected) { charts[id].plot.destroy(); delete charts[id]; } });
  }

  function renderAlerts(alerts) {
    var root = clear(document.getElementById('alerts'));
    var rows = alerts.firing.map(function (a) { return el('tr', { 'data-alert': 'firing' }, [td('firing'), td(a.severity), td(a.rule), td(a.message), td(fmtTime(a.since))]); })
      .concat(alerts.recent.filter(function (a) { return a.state === 'resolved'; }).slice(0, 10).map(function (a) { return el('tr', { 'data-alert': 'resolved' }, [td('resolved'), td(a.severity), td(a.rule), td(a.message), td(fmtTime(a.time))]); }));
    root.appendChild(rows.length ? table(['state', 'severity', 'rule', 'message', 'since'], rows) : el('p', { class: 'muted', text: 'No alert firing or recently resolved.' }));
  }

  function renderCredentials(list) {
    var root = clear(document.getElementById('credentials'));
    if (!list) { root.appendChild(el('p', { class: 'muted', text: 'No credentials inventory configured.' })); return; }
    root.appendChild(table(['name', 'kind', 'source', 'connectors', 'operations', 'expires', 'days left', 'last success'], list.map(function (c) {
      return el('tr', { 'data-credential': c.name }, [td(c.name), td(c.kind), td(c.source), td(c.connectors.join(', ')), td(c.operations.join(', ') || '–'), td(c.expiresAt ? fmtTime(c.expiresAt) : 'never'), td(c.daysLeft == null ? '–' : c.daysLeft, 'num'), td(fmtTime(c.lastSuccessfulCheckAt))]);
    })));
  }

  function act(queue, action, key) {
    if (action === 'discard' && !confirm('Discard ' + key + ' for good? Its body is deleted.')) return;
    request('/api/dead-letters/' + encodeURIComponent(queue) + '/' + action, { method: 'POST', auth: true, body: JSON.stringify({ keys: [key] }) }).then(function (r) {
      say(action === 'replay' ? 'Replayed ' + r.replayed + ' dead letter(s).' : 'Discarded ' + r.discarded + ' dead letter(s).', false);
      refresh();
    }, function (e) { say(action + ' refused: ' + e.message, true); });
  }

  function inspect(queue, key, withBody) {
    var path = '/api/dead-letters/' + encodeURIComponent(queue) + '/item?key=' + encodeURIComponent(key) + (withBody ? '&body=1' : '');
    request(path, { auth: withBody }).then(function (item) {
      var root = clear(document.getElementById('inspect'));
      root.appendChild(el('h3', { text: key }));
      root.appendChild(el('pre', { 'data-field': 'inspect-meta', text: JSON.stringify({ source: item.source, type: item.type, attempts: item.attempts, receivedAt: item.receivedAt, deadAt: item.deadAt, lastError: item.lastError, headers: item.headers || item.headerNames }, null, 2) }));
      if (item.body) root.appendChild(el('pre', { 'data-field': 'inspect-body', text: item.body.text }));
      else root.appendChild(el('button', { type: 'button', 'data-action': 'show-body', text: 'Show body (redacted)', onclick: function () { inspect(queue, key, true); } }));
    }, function (e) { say('inspect refused: ' + e.message, true); });
  }

  function renderDeadLetters(queues, readOnly) {
    var root = clear(document.getElementById('dead-letters'));
    if (!queues.length) { root.appendChild(el('p', { class: 'muted', text: 'No dead-letter queue configured.' })); return; }
    queues.forEach(function (q) {
      root.appendChild(el('h3', null, [q.queue + ': ', el('span', { 'data-queue': q.queue, 'data-field': 'depth', text: q.depth == null ? '?' : String(q.depth) }), ' dead letter(s)' + (q.error ? ' (could not read: ' + q.error + ')' : '')]));
      if (!q.items.length) return;
      root.appendChild(table(['key', 'type', 'attempts', 'dead at', 'last error', ''], q.items.map(function (d) {
        return el('tr', { 'data-dead-letter': d.key }, [td(d.key), td(d.type || '–'), td(d.attempts, 'num'), td(fmtTime(d.deadAt)), td(d.lastError || ''), el('td', null, [
          el('button', { type: 'button', 'data-action': 'inspect', text: 'Inspect', onclick: function () { inspect(q.queue, d.key, false); } }), ' ',
          el('button', { type: 'button', 'data-action': 'replay', text: 'Replay', title: readOnly ? 'read-only: no operator token configured' : '', onclick: function () { act(q.queue, 'replay', d.key); } }), ' ',
          el('button', { type: 'button', 'data-action': 'discard', text: 'Discard', title: readOnly ? 'read-only: no operator token configured' : '', onclick: function () { act(q.queue, 'discard', d.key); } })
        ])]);
      })));
    });
  }

  function render(state) {
    last = state;
    var status = document.getElementById('status');
    status.className = 'pill ' + state.health.status;
    status.textContent = state.health.status;
    document.getElementById('updated').textContent = 'updated ' + new Date(state.generatedAt).toLocaleTimeString() + ', every ' + Math.round(state.refreshMs / 1000) + ' s';
    document.getElementById('token-label').textContent = state.readOnly ? 'read-only (no operator token configured)' : (token() ? 'operator token set' : 'Operator token');
    var reasons = clear(document.getElementById('reasons'));
    state.health.reasons.filter(function (r) { return !r.connector; }).forEach(function (r) { reasons.appendChild(el('li', { class: r.severity, text: r.message })); });
    renderConnectors(state.connectors);
    renderAlerts(state.alerts);
    renderCredentials(state.credentials);
    renderDeadLetters(state.deadLetters, state.readOnly);
    body.setAttribute('data-loaded', state.generatedAt);
  }

  var timer = null;
  function refresh() {
    clearTimeout(timer);
    return request('/api/state').then(render, function (e) { say('could not load: ' + e.message, true); }).then(function () {
      timer = setTimeout(refresh, refreshMs);
    });
  }

  document.getElementById('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('token');
    if (input.value) sessionStorage.setItem('operatorToken', input.value); else sessionStorage.removeItem('operatorToken');
    input.value = '';
    say(token() ? 'Operator token set for this tab.' : 'Operator token cleared.', false);
    if (last) render(last);
  });
  window.addEventListener('resize', function () { if (last) renderConnectors(last.connectors); });
  refresh();
})();
`;
