// Dashboard pages Monitoring (history charts drawn as inline SVG here, live samples from the /monitoring WebSocket,
// alerts and their thresholds) and Hardware (GPUs and disks).
'use strict';

(() => {
  const { $ } = dom;
  const SVG = 'http://www.w3.org/2000/svg';
  const RANGES = { '1h': { ms: 3600e3, resolution: '1m' }, '24h': { ms: 86400e3, resolution: '15m' }, '7d': { ms: 7 * 86400e3, resolution: '2h' } };
  // Each chart: its series read from a history point or a live sample; unit; fixed 0–100 scale or not.
  const CHARTS = [
    { id: 'cpu', title: 'CPU', unit: '%', max: 100, series: [{ name: 'usage', get: (p) => p.cpu && p.cpu.usage }] },
    { id: 'memory', title: 'Memory', unit: '%', max: 100, series: [{ name: 'used', get: (p) => p.memory && p.memory.usage }] },
    { id: 'disk', title: 'Disk space', unit: '%', max: 100, series: [{ name: 'used', get: (p) => p.disk && p.disk.usage }] },
    { id: 'temperature', title: 'Temperature', unit: '°C', series: [{ name: 'CPU', get: (p) => p.cpu && p.cpu.temperature }] },
    { id: 'load', title: 'Load average', unit: '', series: [{ name: '1 min', get: (p) => p.load && p.load[0] }, { name: '5 min', get: (p) => p.load && p.load[1] }] },
    {
      id: 'network', title: 'Network', unit: 'Mbit/s',
      series: [{ name: 'down', get: (p) => p.network && p.network.download_speed }, { name: 'up', get: (p) => p.network && p.network.upload_speed }],
    },
    {
      id: 'diskio', title: 'Disk I/O', unit: 'MB/s',
      series: [{ name: 'read', get: (p) => p.disk && p.disk.read_speed }, { name: 'write', get: (p) => p.disk && p.disk.write_speed }],
    },
  ];
  const LIVE_POINTS = 600;
  const state = { range: '1h', history: [], live: [], stopLive: null, stopLoad: null, stopAlerts: null, drawTimer: null };

  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    for (const child of children || []) node.append(child);
    return node;
  }

  /** Draws one chart: a polyline per series over time, with the scale and the last value in words. */
  function drawChart(chart, points) {
    const W = 600;
    const H = 180;
    const left = 44;
    const bottom = 22;
    const series = chart.series.map((s) => points
      .map((p) => ({ t: p.t, v: s.get(p) }))
      .filter((p) => typeof p.v === 'number' && isFinite(p.v)));
    const all = series.flat();
    const card = dom.el('section', { class: 'card chart', id: `chart-${chart.id}`, 'aria-labelledby': `chart-${chart.id}-title` });
    const title = dom.el('h2', { id: `chart-${chart.id}-title`, text: chart.title });
    card.append(title);
    if (!all.length) {
      card.append(dom.el('p', { class: 'help', text: chart.id === 'temperature' ? 'No temperature sensor reports here.' : 'No data yet.' }));
      return card;
    }
    const t0 = Math.min(...all.map((p) => p.t));
    const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
    const top = chart.max || Math.max(1, ...all.map((p) => p.v)) * 1.15;
    const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - 8);
    const y = (v) => 8 + (1 - Math.min(v, top) / top) * (H - bottom - 8);
    const last = series.map((s, i) => (s.length ? `${chart.series[i].name} ${s[s.length - 1].v.toFixed(1)} ${chart.unit}` : '')).filter(Boolean).join(', ');
    const graph = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img', 'aria-label': `${chart.title}: ${all.length} points; now ${last}` });
    for (const fraction of [0, 0.5, 1]) {
      const v = top * fraction;
      graph.append(svg('line', { x1: left, x2: W - 8, y1: y(v), y2: y(v), class: 'grid' }));
      const label = svg('text', { x: left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' });
      label.textContent = v >= 10 ? Math.round(v) : v.toFixed(1);
      graph.append(label);
    }
    for (const [t, anchor] of [[t0, 'start'], [t1, 'end']]) {
      const label = svg('text', { x: x(t), y: H - 5, class: 'axis', 'text-anchor': anchor });
      label.textContent = new Date(t).toLocaleString(undefined, state.range === '1h' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
      graph.append(label);
    }
    series.forEach((s, i) => {
      if (!s.length) return;
      const coords = s.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
      graph.append(svg('polyline', { points: coords, class: `line s${i}`, 'data-points': s.length }));
      if (s.length === 1) graph.append(svg('circle', { cx: x(s[0].t), cy: y(s[0].v), r: 3, class: `dot s${i}` }));
    });
    card.append(graph, dom.el('p', { class: 'legend' }, chart.series.map((s, i) => dom.el('span', { class: `key s${i}`, text: s.name }))),
      dom.el('p', { class: 'help now', text: `Now: ${last}` }));
    return card;
  }

  function draw() {
    state.drawTimer = null;
    const from = Date.now() - RANGES[state.range].ms;
    const history = state.history.filter((p) => p.t >= from);
    const live = state.live.filter((p) => p.t >= from);
    const box = $('charts');
    box.replaceChildren(...CHARTS.map((chart) => drawChart(chart, history.concat(live))));
  }
  /** Redraws at most every 2 s (the first live sample at once). */
  function scheduleDraw() {
    if (state.drawTimer) return;
    const wait = Math.max(0, 2000 - (Date.now() - (state.drawnAt || 0)));
    state.drawTimer = setTimeout(() => { state.drawnAt = Date.now(); draw(); }, wait);
  }

  async function loadHistory() {
    const range = RANGES[state.range];
    const start = new Date(Date.now() - range.ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const answer = await api.get(`/api/v1/metrics/history?start=${encodeURIComponent(start)}&resolution=${range.resolution}`);
    state.history = (answer.metrics || []).map((p) => Object.assign({ t: Date.parse(p.timestamp) }, p));
    draw();
  }

  function setRange(range) {
    state.range = range;
    for (const button of document.querySelectorAll('button.range')) button.setAttribute('aria-pressed', String(button.dataset.range === range));
    loadHistory().catch((error) => dash.fail(error));
  }

  // Alerts and thresholds --------------------------------------------------

  const THRESHOLDS = [['cpu', 'CPU', '%'], ['memory', 'Memory', '%'], ['disk', 'Disk', '%'], ['temperature', 'Temperature', '°C']];
  function thresholdKey(metric, level) { return metric === 'temperature' ? `alerts.temperature_${level}_c` : `alerts.${metric}_${level}_percent`; }

  async function loadAlerts() {
    const answer = await api.get('/api/v1/alerts?limit=50');
    const list = answer.alerts || [];
    $('alert-list').replaceChildren(...list.map((a) => {
      const seen = a.acknowledgedAt ? `, seen by ${a.acknowledgedBy} ${dash.time(a.acknowledgedAt)}` : '';
      const item = dom.el('li', { class: a.active ? 'active' : 'resolved', 'data-alert': a.id }, [
        dom.el('span', { class: 'state-name', text: a.message }), dash.badge(a.active ? a.level : 'resolved'),
      ]);
      if (a.active && !a.acknowledgedAt) {
        item.append(dash.button('Acknowledge', () => acknowledge(a), { 'aria-label': `Acknowledge: ${a.message}` }));
      }
      item.append(dom.el('span', {
        class: 'help block', text: `${dash.time(a.timestamp)}${a.resolvedAt ? `, cleared ${dash.time(a.resolvedAt)}` : ''}${seen}`,
      }));
      return item;
    }));
    if (!list.length) $('alert-list').append(dom.el('li', { class: 'help', text: 'No alerts.' }));
  }
  async function acknowledge(a) {
    try {
      await api.post(`/api/v1/alerts/${encodeURIComponent(a.id)}/acknowledge`);
      await loadAlerts();
    } catch (error) { dash.fail(error); }
  }

  async function loadThresholds() {
    const settings = await api.get('/api/v1/settings/server?category=alerts');
    const byKey = Object.fromEntries((Array.isArray(settings) ? settings : []).map((s) => [s.key, s]));
    const box = $('thresholds-fields');
    box.replaceChildren();
    for (const [metric, label, unit] of THRESHOLDS) {
      for (const level of ['warning', 'critical']) {
        const setting = byKey[thresholdKey(metric, level)];
        const id = `th-${metric}-${level}`;
        box.append(dom.el('div', { class: 'field' }, [
          dom.el('label', { for: id, text: `${label} ${level} (${unit})` }),
          dom.el('input', { id, type: 'number', min: 1, max: 150, value: setting ? setting.value : '', 'aria-describedby': `${id}-error`, 'data-metric': metric, 'data-level': level }),
          dom.el('p', { id: `${id}-error`, class: 'field-error', hidden: true }),
        ]));
      }
    }
    const editable = dash.isAdmin();
    for (const input of box.querySelectorAll('input')) input.disabled = !editable;
    $('thresholds-save').hidden = !editable;
  }

  async function saveThresholds(event) {
    event.preventDefault();
    const thresholds = {};
    let ok = true;
    for (const input of $('thresholds-fields').querySelectorAll('input')) {
      dom.fieldError(input.id, '');
      const value = Number(input.value);
      if (!Number.isInteger(value) || value < 1) { dom.fieldError(input.id, 'A whole number.'); ok = false; continue; }
      thresholds[input.dataset.metric] = thresholds[input.dataset.metric] || {};
      thresholds[input.dataset.metric][input.dataset.level] = value;
    }
    for (const [metric] of THRESHOLDS) {
      const t = thresholds[metric];
      if (t && t.warning >= t.critical) { dom.fieldError(`th-${metric}-warning`, 'The warning must be under the critical level.'); ok = false; }
    }
    if (!ok) return;
    try {
      await api.post('/api/v1/alerts/settings', { thresholds });
      dom.status('thresholds-status', 'Thresholds saved.', 'ok');
    } catch (error) { dash.fail(error, 'thresholds-status'); }
  }

  dash.pages.monitoring = {
    show() {
      loadHistory().catch((error) => dash.fail(error));
      loadThresholds().catch((error) => dash.fail(error, 'thresholds-status'));
      state.stopAlerts = dash.every(30000, loadAlerts);
      // The daemon pushes a sample every monitoring.sample_interval_s; charts redraw at most every 2 s.
      state.stopLive = dash.socket('/monitoring', (message) => {
        if (message.type === 'metrics' && message.data) {
          const sample = Object.assign({ t: Date.now() }, message.data);
          if (state.load) sample.load = state.load;
          state.live.push(sample);
          if (state.live.length > LIVE_POINTS) state.live.shift();
          scheduleDraw();
        } else if (message.type === 'alert') {
          loadAlerts().catch((error) => dash.fail(error));
        }
      }, (open) => { $('live-state').textContent = open ? 'Live' : 'Reconnecting…'; });
      // The load average is not in the live samples: read it every 15 s while this page is open.
      state.stopLoad = dash.every(15000, async () => {
        const answer = await api.get('/api/v1/health/metrics');
        state.load = answer.data && answer.data.system ? answer.data.system.load : null;
      });
    },
    hide() {
      for (const stop of [state.stopLive, state.stopAlerts, state.stopLoad]) if (stop) stop();
      clearTimeout(state.drawTimer);
      state.drawTimer = null;
    },
    reset() { state.history = []; state.live = []; $('charts').replaceChildren(); $('alert-list').replaceChildren(); $('thresholds-fields').replaceChildren(); },
  };

  // Hardware ------------------------------------------------------------------

  function renderGPUs(gpus) {
    const box = $('gpu-list');
    box.replaceChildren(...gpus.map((gpu) => {
      const decode = gpu.decode || {};
      const access = gpu.access || {};
      const codecs = (decode.codecs || []).map((c) => `${c.codec}${c.profiles && c.profiles.length ? ` (${c.profiles.join(', ')})` : ''}`);
      const used = access.ok && decode.ok && gpu.worker_device;
      return dom.el('div', { class: `gpu-card${used ? '' : ' unusable'}` }, [
        dom.el('h3', { text: gpu.model || gpu.vendor_name || 'Graphics card' }),
        dom.el('p', { class: 'help', text: [gpu.vendor_name, gpu.driver, gpu.render_node || gpu.card_node, gpu.acceleration].filter(Boolean).join(' · ') }),
        dom.el('p', { text: codecs.length ? `Decodes (${decode.api || 'hardware'}): ${codecs.join('; ')}` : `No hardware decoding${decode.reason ? `: ${decode.reason}` : ''}.` }),
        dom.el('p', { class: 'gpu-workers', text: used ? `Used for thumbnails (${gpu.worker_device})` : `Not used${access.reason ? `: ${access.reason}` : ''}` }),
      ]);
    }));
    if (!gpus.length) box.append(dom.el('p', { class: 'help', text: 'No graphics card found: thumbnails are made on the CPU.' }));
  }

  function renderDiskDetails(disks) {
    const box = $('disk-list');
    box.replaceChildren(...disks.map((disk) => {
      const usage = disk.usage || {};
      const facts = [
        ['Model', disk.model], ['Path', disk.path], ['Size', dash.bytes(disk.size_bytes)], ['Bus', disk.bus],
        ['Kind', `${disk.rotational ? 'spinning' : 'solid state'}${disk.removable ? ', removable' : ''}${disk.virtual ? ', virtual' : ''}`],
        ['Mounts', (disk.mounts || []).join(', ')], ['File system', disk.filesystem],
        ['Temperature', typeof disk.temperature_c === 'number' ? `${disk.temperature_c} °C` : null],
      ].filter(([, v]) => v);
      const card = dom.el('div', { class: 'disk' }, [dom.el('h3', { text: disk.name }),
        dom.el('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [dom.el('dt', { text: k }), dom.el('dd', { text: String(v) })]))]);
      if (typeof usage.percent_used === 'number') {
        card.append(dash.bar(usage.percent_used, `${dash.bytes(usage.used_bytes)} of ${dash.bytes(usage.total_bytes)} used (${usage.percent_used} %)`));
      }
      for (const part of disk.partitions || []) {
        const u = part.usage || {};
        card.append(dom.el('p', { class: 'help', text: `${part.name || part.path}: ${dash.bytes(part.size_bytes)}${part.mounts && part.mounts.length ? `, on ${part.mounts.join(', ')}` : ''}${typeof u.percent_used === 'number' ? `, ${u.percent_used} % used` : ''}` }));
      }
      for (const note of disk.notes || []) card.append(dom.el('p', { class: 'help', text: note }));
      return card;
    }));
    if (!disks.length) box.append(dom.el('p', { class: 'help', text: 'No disk found.' }));
  }

  async function loadHardware() {
    const answer = await api.get('/api/system/hardware');
    renderGPUs(answer.gpus || []);
    renderDiskDetails(answer.disks || []);
    dom.status('gpu-status', (answer.errors || []).join(' '), (answer.errors || []).length ? 'error' : '');
  }

  let stopHardware = null;
  dash.pages.hardware = {
    // Polled every 10 s while shown, so a disk plugged in appears without a reload.
    show() { stopHardware = dash.every(10000, loadHardware); $('rescan-gpus').hidden = !dash.isAdmin(); },
    hide() { if (stopHardware) stopHardware(); },
    reset() { $('gpu-list').replaceChildren(); $('disk-list').replaceChildren(); },
  };

  // Loaded after the document (on the first visit to one of these pages): wire the forms now.
  (() => {
    for (const button of document.querySelectorAll('button.range')) button.addEventListener('click', () => setRange(button.dataset.range));
    $('thresholds-form').addEventListener('submit', saveThresholds);
    $('rescan-gpus').addEventListener('click', async () => {
      dom.status('gpu-status', 'Looking…', 'busy');
      try { await api.post('/api/system/rescan-gpus'); await loadHardware(); dom.status('gpu-status', 'Done.', 'ok'); } catch (error) { dash.fail(error, 'gpu-status'); }
    });
  })();
})();
