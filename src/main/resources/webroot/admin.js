// Admin UI: plain JavaScript against the REST API; no external assets.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const history = { rate: [], lag: [], cost: [] };
  let token = sessionStorage.getItem('adminToken') || '';
  let lastProcessed = null, lastAt = null, timer = null;

  async function api(method, path, body) {
    const res = await fetch(path, {
      method, headers: Object.assign({ 'Authorization': 'Bearer ' + token },
        body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok) { const e = new Error(data.error || ('HTTP ' + res.status)); e.status = res.status; throw e; }
    return data;
  }
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]); }
  function spark(id, values) {
    const v = values.slice(-60), max = Math.max(1, ...v);
    const pts = v.map((y, i) => (i * 120 / Math.max(1, v.length - 1)).toFixed(1) + ',' + (29 - y / max * 27).toFixed(1)).join(' ');
    $(id).innerHTML = '<polyline points="' + pts + '"></polyline>';
  }
  function say(msg) { $('message').textContent = msg; }

  async function refresh() {
    try {
      const stats = await api('GET', '/api/stats');
      const t = stats.totals, now = Date.now();
      $('sim-banner').hidden = !stats.simulator;
      $('processed').textContent = t.processed;
      $('flagged').textContent = t.flagged;
      $('dlq').textContent = t.dead_lettered;
      $('cost1000').textContent = '$' + t.cost_per_1000_events_usd.toFixed(4);
      if (lastProcessed != null) {
        const rate = (t.processed - lastProcessed) / ((now - lastAt) / 1000);
        history.rate.push(Math.max(0, rate)); $('rate').textContent = rate.toFixed(1);
      }
      lastProcessed = t.processed; lastAt = now;
      history.cost.push(t.cost_per_1000_events_usd);
      const models = Object.entries(stats.by_model || {});
      const total = models.reduce((a, [, m]) => a + (m.processed || 0), 0) || 1;
      $('models').innerHTML = models.map(([name, m]) => '<div><span class="bar" style="width:' + (200 * (m.processed || 0) / total).toFixed(0) + 'px"></span>'
        + esc(name) + ' — ' + (m.processed || 0) + ' events, $' + (m.cost_usd || 0).toFixed(4) + '</div>').join('');
      renderNodes(stats.nodes || []);
      renderCascade(stats.cascade || {});
      renderAgreement(stats.agreement || {});
      const lag = await api('GET', '/api/lag');
      const pipelines = await api('GET', '/api/pipelines');
      const groups = new Set(pipelines.pipelines.map((p) => p.group_id));
      const pipelineLag = lag.groups.filter((g) => groups.has(g.group)).reduce((a, g) => a + g.lag, 0);
      $('lag').textContent = pipelineLag; history.lag.push(pipelineLag);
      spark('rate-chart', history.rate); spark('lag-chart', history.lag); spark('cost-chart', history.cost);
      renderPipelines(pipelines.pipelines);
      try { renderDeployments((await api('GET', '/api/deployments')).deployments); } catch (e) { $('deployments').tBodies[0].innerHTML = '<tr><td colspan="3" class="muted">' + esc(e.message) + '</td></tr>'; }
      try { renderQueue((await api('GET', '/api/review-queue?status=open&limit=20')).items); } catch (e) { $('queue').tBodies[0].innerHTML = '<tr><td colspan="5" class="muted">' + esc(e.message) + '</td></tr>'; }
      try { renderFlagged((await api('GET', '/api/results?flagged=true&limit=10')).items); } catch (e) { $('flagged-list').tBodies[0].innerHTML = '<tr><td colspan="4" class="muted">' + esc(e.message) + '</td></tr>'; }
      $('status').textContent = 'live · ' + new Date().toLocaleTimeString();
    } catch (e) {
      if (e.status === 401) { signOut('token rejected'); } else { say('refresh failed: ' + e.message); }
    }
  }
  // an operator typing into a table's input keeps the value: the periodic refresh leaves that table alone
  function editing(table) { const a = document.activeElement; return !!a && a.tagName === 'INPUT' && $(table).contains(a); }
  function renderPipelines(list) {
    if (editing('pipelines')) { return; }
    $('pipelines').tBodies[0].innerHTML = list.map((p) => '<tr data-pipeline="' + esc(p.name) + '"><td>' + esc(p.name) + '</td>'
      + '<td class="' + (p.paused ? 'paused' : '') + '">' + (p.paused ? 'paused (' + esc(p.pause_reasons.join(', ')) + ')' : 'running') + '</td>'
      + '<td><button data-action="' + (p.paused ? 'resume' : 'pause') + '">' + (p.paused ? 'Resume' : 'Pause') + '</button></td>'
      + ['max_size', 'max_wait_ms', 'max_tokens'].map((k) => '<td><input type="number" name="' + k + '" value="' + p.buffer[k] + '"></td>').join('')
      + '<td><button data-action="buffer">Apply</button></td></tr>').join('');
  }
  function pct(x) { return x == null ? '–' : (100 * x).toFixed(1) + '%'; }
  function renderCascade(cascade) {
    const rows = [];
    Object.entries(cascade).forEach(([name, c]) => {
      const escalated = c.first_verdicts ? c.escalated + ' of ' + c.first_verdicts + ' (' + pct(c.escalation_share) + ')' : '–';
      const pairs = Object.entries((c.shadow && c.shadow.pairs) || {});
      if (pairs.length === 0) { pairs.push(['–', {}]); }
      pairs.forEach(([pair, p]) => rows.push('<tr data-pipeline="' + esc(name) + '" data-pair="' + esc(pair) + '"><td>' + esc(name) + '</td><td>' + esc(escalated) + '</td><td>' + esc(pair) + '</td><td>' + (p.samples || 0) + '</td><td>'
        + esc(Object.entries(p.fields || {}).map(([f, v]) => f + ' ' + pct(v.agreement)).join(', ')) + '</td></tr>'));
    });
    $('cascade').tBodies[0].innerHTML = rows.length ? rows.join('') : '<tr><td colspan="5" class="muted">no cascade or shadow sampling</td></tr>';
  }
  function renderAgreement(agreement) {
    const rows = [];
    Object.entries(agreement).forEach(([name, pairs]) => Object.values(pairs).forEach((pair) =>
      Object.entries(pair.fields || {}).forEach(([field, f]) => rows.push('<tr data-pipeline="' + esc(name) + '" data-field="' + esc(field) + '"><td>'
        + esc(name) + '</td><td>' + esc(pair.first_model + ' vs ' + pair.reference_model) + '</td><td>' + esc(field) + '</td><td>' + (f.samples || 0)
        + '</td><td>' + pct(f.agreement) + '</td><td>' + (f.lower_bound == null ? '–' : f.lower_bound.toFixed(3)) + '</td><td class="'
        + (f.escalating ? 'paused' : '') + '">' + (f.escalating === undefined ? '–' : (f.escalating ? 'yes' : 'no')) + (f.pinned ? ' (pinned ' + esc(f.pinned) + ')' : '')
        + '</td><td>' + esc(f.since || '–') + '</td></tr>'))));
    $('agreement').tBodies[0].innerHTML = rows.length ? rows.join('') : '<tr><td colspan="8" class="muted">no cascade</td></tr>';
  }
  function renderNodes(nodes) {
    $('nodes').tBodies[0].innerHTML = nodes.map((n) => n.error
      ? '<tr><td>' + esc(n.name || n.node_id) + '</td><td colspan="4" class="error">' + esc(n.error) + '</td></tr>'
      : '<tr data-node="' + esc(n.node_id) + '"><td>' + esc(n.name) + (n.local ? ' (this node)' : '') + '</td><td>'
        + esc(Object.entries(n.partitions || {}).map(([p, parts]) => p + ': ' + parts.join(',')).join('; ')) + '</td><td>'
        + n.totals.processed + '</td><td>' + n.totals.in_flight + '</td><td>' + (n.jvm ? n.jvm.heap_used_mb : '') + '</td></tr>').join('');
  }
  function renderDeployments(d) {
    if (editing('deployments')) { return; }
    $('deployments').tBodies[0].innerHTML = Object.entries(d).map(([name, v]) => '<tr data-verticle="' + esc(name) + '"><td>' + esc(name) + '</td>'
      + '<td>' + (v.scalable ? '<input type="number" min="1" max="64" value="' + v.instances + '">' : v.instances) + '</td>'
      + '<td>' + (v.scalable ? '<button data-action="scale">Apply</button>' : '') + '</td></tr>').join('');
  }
  function renderQueue(items) {
    $('queue').tBodies[0].innerHTML = items.length === 0 ? '<tr><td colspan="5" class="muted">nothing waiting</td></tr>'
      : items.map((i) => '<tr data-id="' + i.id + '"><td>' + i.id + '</td><td>' + esc(i.pipeline) + '</td><td>' + esc(i.error_type) + ': ' + esc(i.error_message) + '</td>'
        + '<td class="text">' + esc(i.original_event && i.original_event.review_text) + '</td>'
        + '<td><button data-action="replay">Replay</button> <button data-action="resolve">Resolve</button></td></tr>').join('');
  }
  function renderFlagged(items) {
    $('flagged-list').tBodies[0].innerHTML = items.map((r) => '<tr><td>' + esc(r.pipeline) + '</td><td class="text">' + esc(r.review_text) + '</td>'
      + '<td>' + esc(Object.entries(r.verdict).filter(([, v]) => v === true).map(([k]) => k).join(', ')) + ' ' + esc(r.verdict.reason || '') + '</td><td>' + esc(r.model) + '</td></tr>').join('');
  }
  document.addEventListener('click', async (ev) => {
    const b = ev.target.closest('button[data-action]'); if (!b) { return; }
    const row = b.closest('tr'), action = b.dataset.action;
    try {
      if (action === 'pause' || action === 'resume') { await api('POST', '/api/pipelines/' + encodeURIComponent(row.dataset.pipeline) + '/' + action); say(action + ' requested for ' + row.dataset.pipeline); }
      if (action === 'buffer') {
        const body = {}; row.querySelectorAll('input').forEach((i) => { body[i.name] = parseInt(i.value, 10); });
        await api('PUT', '/api/pipelines/' + encodeURIComponent(row.dataset.pipeline) + '/buffer', body); say('buffer updated for ' + row.dataset.pipeline);
      }
      if (action === 'scale') { const n = parseInt(row.querySelector('input').value, 10); await api('PUT', '/api/deployments/' + encodeURIComponent(row.dataset.verticle), { instances: n }); say(row.dataset.verticle + ' now has ' + n + ' instances'); }
      if (action === 'replay') { await api('POST', '/api/review-queue/' + row.dataset.id + '/replay', { by: 'admin-ui' }); say('item ' + row.dataset.id + ' replayed'); }
      if (action === 'resolve') { const d = prompt('Decision (e.g. remove, keep):', 'remove'); if (d) { await api('POST', '/api/review-queue/' + row.dataset.id + '/resolve', { decision: d, by: 'admin-ui' }); say('item ' + row.dataset.id + ' resolved'); } }
      b.focus(); refresh();
    } catch (e) { say(action + ' failed: ' + e.message); }
  });
  function signOut(why) {
    clearInterval(timer); sessionStorage.removeItem('adminToken'); token = '';
    $('app').hidden = true; $('login').hidden = false; $('login-error').textContent = why || ''; $('status').textContent = 'not signed in';
  }
  async function signIn(t) {
    token = t;
    try { await api('GET', '/api/stats'); } catch (e) { signOut(e.status === 401 ? 'wrong token' : e.message); return; }
    sessionStorage.setItem('adminToken', t);
    $('login').hidden = true; $('app').hidden = false;
    refresh(); timer = setInterval(refresh, 2000);
  }
  $('login-form').addEventListener('submit', (ev) => { ev.preventDefault(); signIn($('token').value); });
  if (token) { signIn(token); }
}());
