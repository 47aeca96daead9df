// Dashboard pages for the day-to-day work: Overview, Jobs (live over the job WebSockets) and Schedules (with a cron
// preview computed here, in the browser's time zone).
'use strict';

(() => {
  const { $ } = dom;
  const ACTIVE = ['pending', 'running', 'queued'];

  function jobLabel(job) { return job.library_name || job.library_id || job.id; }

  /** A job's counts as one line: "3 of 10 items, 1 failed". */
  function counts(job) {
    const done = (job.completed_items || 0) + (job.failed_items || 0);
    const failed = job.failed_items ? `, ${job.failed_items} failed` : '';
    return `${done} of ${job.total_items || 0} items${failed}`;
  }

  // ---------------------------------------------------------------- Overview

  function renderRunning(jobs) {
    const box = $('running-jobs');
    const running = jobs.filter((job) => ACTIVE.includes(job.status));
    box.replaceChildren(...running.map((job) => {
      const link = dom.el('a', { href: `#jobs`, text: jobLabel(job) });
      link.addEventListener('click', () => { dash.pages.jobs.open = job.id; });
      return dom.el('div', { class: 'job-row' }, [link,
        dash.bar(job.progress, `${job.status}: ${counts(job)} (${Math.round(job.progress || 0)} %)`)]);
    }));
    if (!running.length) box.append(dom.el('p', { class: 'help', text: 'No job is running.' }));
  }

  function renderDisks(box, disks) {
    box.replaceChildren();
    for (const disk of disks) {
      const usage = disk.usage || {};
      if (typeof usage.percent_used !== 'number') continue;
      const name = `${disk.name}${disk.mounts && disk.mounts.length ? ` (${disk.mounts.join(', ')})` : ''}`;
      const kind = usage.percent_used >= 95 ? 'critical' : usage.percent_used >= 85 ? 'warning' : '';
      box.append(dash.bar(usage.percent_used,
        `${name}: ${dash.bytes(usage.used_bytes)} of ${dash.bytes(usage.total_bytes)} used (${usage.percent_used} %)`, kind));
    }
    if (!box.children.length) box.append(dom.el('p', { class: 'help', text: 'No mounted disk reports its usage.' }));
  }
  dash.renderDisks = renderDisks;

  function stateItem(name, state, detail) {
    const li = dom.el('li', {}, [dom.el('span', { class: 'state-name', text: name }), dash.badge(state)]);
    if (detail) li.append(dom.el('span', { class: 'help block', text: detail }));
    return li;
  }

  let stopOverview = null;
  dash.pages.overview = {
    show() {
      stopOverview = dash.every(10000, async () => {
        const [health, parts, stats, services, jobs] = await Promise.all([
          api.get('/api/health'), api.get('/api/v1/dashboard/status'), api.get('/api/v1/dashboard/stats'),
          api.get('/api/v1/services/health'), api.get('/api/jobs'),
        ]);
        const system = (stats.data && stats.data.system) || {};
        const process = (stats.data && stats.data.process) || {};
        $('health-status').textContent = health.status || '–';
        $('health-version').textContent = health.version || '–';
        $('daemon-uptime').textContent = dash.duration(process.uptime);
        $('health-uptime').textContent = system.uptime || '–';
        // The appliance's parts (database, config, Plex, monitor, and what else reports there), then its services.
        const partList = (parts.data && parts.data.services) || [];
        const plex = partList.find((p) => p.name === 'plex');
        $('plex-status').textContent = plex ? `${plex.status}${plex.error ? `: ${plex.error}` : ''}` : '–';
        const list = Array.isArray(services.services) ? services.services : [];
        const named = new Set(list.map((s) => s.name));
        $('service-summary').replaceChildren(
          ...partList.filter((p) => !named.has(p.name)).map((p) => stateItem(p.name, p.status, p.error)),
          ...list.map((s) => stateItem(s.name, s.health || s.status, s.detail)));
        renderRunning(Array.isArray(jobs.jobs) ? jobs.jobs : []);
        // Alerts, disks and the integrations' probes may be refused to a small role; the rest of the page still shows.
        try {
          const apps = await api.get('/api/v1/admin/services');
          for (const app of apps.data || []) {
            if (named.has(app.name) || app.name === 'plex') continue;
            const detail = app.lastError || (app.version ? `version ${app.version}${app.latencyMs != null ? `, ${app.latencyMs} ms` : ''}` : '');
            $('service-summary').append(stateItem(app.title || app.name, app.status, detail));
          }
          const alerts = await api.get('/api/v1/alerts?limit=20');
          const active = (alerts.alerts || []).filter((a) => a.active);
          $('alert-summary').replaceChildren(...active.map((a) => stateItem(a.message, a.level, dash.time(a.timestamp))));
          if (!active.length) $('alert-summary').append(dom.el('li', { class: 'help', text: 'No active alert.' }));
          const hardware = await api.get('/api/system/hardware');
          renderDisks($('disk-summary'), hardware.disks || []);
        } catch (error) {
          if (error.status !== 403) throw error;
        }
      });
    },
    hide() { if (stopOverview) stopOverview(); },
    reset() {
      for (const id of ['health-status', 'health-version', 'daemon-uptime', 'health-uptime', 'plex-status']) $(id).textContent = '…';
      for (const id of ['service-summary', 'alert-summary', 'running-jobs', 'disk-summary']) $(id).replaceChildren();
    },
  };

  // ---------------------------------------------------------------- Jobs

  const jobs = {
    open: null, // the job shown in detail
    stopList: null,
    stopEvents: null,
    stopDetail: null,
    workers: {}, // worker id → last worker_update
    rate: null, // {at, done} of the first progress seen, for the ETA
  };

  function renderJobs(list) {
    const body = $('jobs-body');
    body.replaceChildren();
    for (const job of list.slice(0, 50)) {
      const actions = dom.el('td', { class: 'row-actions' }, [
        dash.button('Details', () => openJob(job.id), { 'aria-label': `Details of the job for ${jobLabel(job)}` }),
      ]);
      if (ACTIVE.includes(job.status)) {
        actions.append(dash.button('Cancel', () => cancelJob(job.id), { 'aria-label': `Cancel the job for ${jobLabel(job)}`, 'data-cancel': job.id }));
      }
      body.append(dom.el('tr', { 'data-job': job.id }, [
        dash.cell(jobLabel(job)), dash.cell(dash.badge(job.status)),
        dash.cell(dash.bar(job.progress, `${counts(job)} (${Math.round(job.progress || 0)} %)`)),
        dash.cell(dash.time(job.created_at)), actions,
      ]));
    }
    $('jobs-empty').hidden = list.length > 0;
  }

  async function loadJobs() {
    const answer = await api.get('/api/jobs');
    renderJobs(Array.isArray(answer.jobs) ? answer.jobs : []);
  }

  /** A worker's pace on this job: items it finished, the last one's time and speed (video seconds per second). */
  function workerSpeed(w) {
    if (!w.items_done) return '';
    const last = typeof w.last_item_seconds === 'number' ? `, the last in ${w.last_item_seconds.toFixed(1)} s` : '';
    const speed = typeof w.last_item_speed === 'number' ? ` (${w.last_item_speed.toFixed(1)}× real time)` : '';
    return `${w.items_done} item${w.items_done === 1 ? '' : 's'} done${last}${speed}`;
  }

  /** The detail card: counts, bar, ETA, workers (current file, paused while Plex streams, speed). */
  function renderDetail(job) {
    const box = $('job-detail-body');
    const done = (job.completed_items || 0) + (job.failed_items || 0);
    let eta = '';
    if (job.status === 'running' && done > 0 && job.total_items > done) {
      const now = Date.now() / 1000;
      if (!jobs.rate || jobs.rate.done > done) jobs.rate = { at: now, done };
      const rate = (done - jobs.rate.done) / Math.max(1, now - jobs.rate.at);
      if (rate > 0) eta = `About ${dash.duration((job.total_items - done) / rate)} left (${(rate * 60).toFixed(1)} items a minute).`;
    }
    const workers = Object.values(jobs.workers).filter((w) => w.job_id === job.id || (Array.isArray(job.workers) && job.workers.some((x) => x.id === w.id)));
    const paused = workers.some((w) => w.status === 'paused');
    const facts = dom.el('dl', { class: 'facts' }, [
      dom.el('dt', { text: 'Status' }), dom.el('dd', { id: 'job-detail-status' }, [dash.badge(paused && job.status === 'running' ? 'paused' : job.status)]),
      dom.el('dt', { text: 'Items' }), dom.el('dd', { id: 'job-detail-counts', text: `${job.completed_items || 0} done, ${job.failed_items || 0} failed, ${job.total_items || 0} in all` }),
      dom.el('dt', { text: 'Started' }), dom.el('dd', { text: dash.time(job.started_at || job.created_at) }),
      dom.el('dt', { text: 'Finished' }), dom.el('dd', { text: dash.time(job.completed_at) }),
    ]);
    box.replaceChildren(facts, dash.bar(job.progress, `Progress ${Math.round(job.progress || 0)} %`, job.status === 'failed' ? 'critical' : ''));
    $('job-detail').dataset.status = job.status;
    if (paused) box.append(dom.el('p', { class: 'alert warning', id: 'job-paused', text: 'Paused: Plex is streaming. The job goes on when playback stops.' }));
    if (eta) box.append(dom.el('p', { class: 'help', text: eta }));
    if (job.error) box.append(dom.el('p', { class: 'field-error', text: job.error }));
    if (workers.length) {
      box.append(dom.el('ul', { class: 'plain states' }, workers.map((w) => dom.el('li', {}, [
        dom.el('span', { class: 'state-name', text: `${w.type} worker ${w.id}${w.device ? ` (${w.device})` : ''}` }), dash.badge(w.status),
        dom.el('span', { class: 'help block', text: w.current_item || '' }),
        dom.el('span', { class: 'help block worker-speed', text: workerSpeed(w) }),
      ]))));
    }
    $('job-cancel').hidden = !ACTIVE.includes(job.status);
  }

  async function loadItems(id) {
    const answer = await api.get(`/api/jobs/${encodeURIComponent(id)}/items?limit=500`);
    const body = $('job-items');
    body.replaceChildren(...(answer.items || []).map((item) => dom.el('tr', {}, [
      dash.cell(item.title || item.file || item.key), dash.cell(dash.badge(item.status)),
      dom.el('td', { class: 'wrap', text: item.reason || '' }),
      dash.cell(typeof item.duration_ms === 'number' ? `${(item.duration_ms / 1000).toFixed(1)} s` : '–'),
    ])));
  }

  async function refreshDetail(id) {
    const job = await api.get(`/api/v1/jobs/${encodeURIComponent(id)}`);
    for (const worker of job.workers || []) jobs.workers[worker.id] = worker;
    if (jobs.open !== id) return;
    renderDetail(job);
    await loadItems(id);
  }

  function closeJob() {
    if (jobs.stopDetail) jobs.stopDetail();
    jobs.stopDetail = null;
    jobs.open = null;
    jobs.rate = null;
    $('job-detail').hidden = true;
  }

  /** Shows one job and follows it over /api/v1/jobs/{id}/ws (a job_status message on every change). */
  async function openJob(id) {
    closeJob();
    jobs.open = id;
    $('job-detail').hidden = false;
    $('job-detail-title').textContent = 'Job';
    $('job-detail-body').replaceChildren();
    $('job-items').replaceChildren();
    try {
      await refreshDetail(id);
    } catch (error) { dash.fail(error); return; }
    $('job-detail-title').focus();
    let pending = null;
    jobs.stopDetail = dash.socket(`/api/v1/jobs/${encodeURIComponent(id)}/ws`, (message) => {
      if (message.type !== 'job_status' || jobs.open !== id) return;
      // The bar follows each message at once; bursts of messages become one read of the detail (every 500 ms at most).
      const bar = $('job-detail-body').querySelector('.bar');
      if (bar && typeof message.progress === 'number') {
        bar.querySelector('progress').value = message.progress;
        bar.querySelector('.bar-label').textContent = `Progress ${Math.round(message.progress)} % (${message.message || ''})`;
      }
      if (pending) return;
      pending = setTimeout(() => { pending = null; refreshDetail(id).catch((e) => dash.fail(e)); }, 500);
    });
  }

  async function cancelJob(id) {
    try {
      await api.post(`/api/jobs/${encodeURIComponent(id)}/cancel`);
      dom.status('job-form-status', 'Job cancelled.', 'ok');
      await loadJobs();
      if (jobs.open === id) await refreshDetail(id);
    } catch (error) { dash.fail(error, 'job-form-status'); }
  }

  async function startJob(event) {
    event.preventDefault();
    const select = $('job-library');
    dom.fieldError('job-library', '');
    if (!select.value) { dom.fieldError('job-library', 'Choose a library.'); return; }
    const name = select.selectedOptions[0] ? select.selectedOptions[0].textContent.replace(/ \([^)]*\)$/, '') : null;
    $('job-start').disabled = true;
    try {
      const answer = await api.post('/api/jobs', { library_id: select.value, library_name: name, force: $('job-force').checked });
      dom.status('job-form-status', `Job started for ${name}.`, 'ok');
      await loadJobs();
      await openJob(answer.id);
    } catch (error) {
      dash.fail(error, 'job-form-status');
    } finally {
      $('job-start').disabled = false;
    }
  }

  /** The chosen files' job (POST /api/jobs/manual); a refused path is shown under the box with the server's message. */
  async function startFileJob(event) {
    event.preventDefault();
    dom.fieldError('filejob-paths', '');
    const paths = $('filejob-paths').value.split('\n').map((line) => line.trim()).filter((line) => line);
    if (!paths.length) { dom.fieldError('filejob-paths', 'Give at least one path.'); return; }
    if (paths.length > 500) { dom.fieldError('filejob-paths', `At most 500 paths (${paths.length} given).`); return; }
    $('filejob-start').disabled = true;
    try {
      const answer = await api.post('/api/jobs/manual', { file_paths: paths, force_regenerate: $('filejob-force').checked });
      dom.status('job-form-status', `Job started for ${paths.length === 1 ? paths[0] : `${paths.length} paths`}.`, 'ok');
      await loadJobs();
      await openJob(answer.id);
    } catch (error) {
      if (error.status === 400) dom.fieldError('filejob-paths', dom.describe(error)); else dash.fail(error, 'job-form-status');
    } finally {
      $('filejob-start').disabled = false;
    }
  }

  dash.pages.jobs = {
    show() {
      dash.libraries($('job-library')).catch((error) => dash.fail(error, 'job-form-status'));
      jobs.stopList = dash.every(15000, loadJobs);
      // /api/ws: job_progress, job_complete, job_error and worker_update; the list follows within a second.
      let pending = null;
      jobs.stopEvents = dash.socket('/api/ws', (message) => {
        const data = message.data || {};
        if (message.event === 'worker_update') jobs.workers[data.id] = data;
        if (!pending) pending = setTimeout(() => { pending = null; loadJobs().catch((e) => dash.fail(e)); }, 1000);
      });
      if (jobs.open) openJob(jobs.open);
    },
    hide() {
      const open = jobs.open;
      if (jobs.stopList) jobs.stopList();
      if (jobs.stopEvents) jobs.stopEvents();
      closeJob();
      jobs.open = open;
    },
    reset() {
      closeJob(); $('jobs-body').replaceChildren(); dom.status('job-form-status', '', '');
      $('filejob-paths').value = ''; dom.fieldError('filejob-paths', '');
    },
  };

  // ---------------------------------------------------------------- Cron preview

  const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const ALIASES = {
    '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
  };
  const FIELDS = [
    { name: 'minute', min: 0, max: 59 }, { name: 'hour', min: 0, max: 23 }, { name: 'day of month', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12, names: MONTHS, base: 1 }, { name: 'day of week', min: 0, max: 7, names: DAYS, base: 0 },
  ];

  function cronValue(text, field) {
    const lower = text.toLowerCase();
    if (field.names && field.names.includes(lower)) return field.names.indexOf(lower) + field.base;
    if (!/^\d+$/.test(text)) throw new Error(`${field.name}: "${text}" is not a number`);
    const n = Number(text);
    if (n < field.min || n > field.max) throw new Error(`${field.name}: ${n} is outside ${field.min}–${field.max}`);
    return n;
  }

  /** One field as a Set, as Vixie cron reads it (lists, ranges, steps, names). */
  function cronField(text, field) {
    const values = new Set();
    for (const item of text.split(',')) {
      const [range, stepText] = item.split('/');
      const step = stepText === undefined ? 1 : Number(stepText);
      if (!Number.isInteger(step) || step < 1) throw new Error(`${field.name}: bad step "${stepText}"`);
      let low = field.min;
      let high = field.max === 7 ? 6 : field.max;
      if (range !== '*') {
        const bounds = range.split('-');
        if (bounds.length > 2 || !bounds[0]) throw new Error(`${field.name}: "${range}" is not a value or range`);
        low = cronValue(bounds[0], field);
        high = bounds.length === 2 ? cronValue(bounds[1], field) : (stepText === undefined ? low : field.max);
        if (high < low) throw new Error(`${field.name}: range ${range} runs backwards`);
      }
      for (let v = low; v <= high; v += step) values.add(field.max === 7 ? v % 7 : v);
    }
    return values;
  }

  /** Parses a cron expression; throws an Error with a readable message. */
  function parseCron(text) {
    const trimmed = text.trim().split(/\s+/).join(' ');
    const expanded = ALIASES[trimmed.toLowerCase()] || trimmed;
    const parts = expanded.split(' ');
    if (parts.length !== 5) throw new Error(`Expected 5 fields (minute hour day-of-month month day-of-week), found ${parts[0] ? parts.length : 0}.`);
    const sets = parts.map((part, i) => cronField(part, FIELDS[i]));
    return { sets, domAny: parts[2].startsWith('*'), dowAny: parts[4].startsWith('*') };
  }

  /** The next `count` fire times after now, in this browser's time zone (a year's search at most). */
  function nextRuns(cron, count) {
    const [minutes, hours, doms, months, dows] = cron.sets;
    const runs = [];
    const t = new Date();
    t.setSeconds(0, 0);
    t.setMinutes(t.getMinutes() + 1);
    const limit = t.getTime() + 366 * 86400000 * 4;
    while (runs.length < count && t.getTime() < limit) {
      if (!months.has(t.getMonth() + 1)) { t.setMonth(t.getMonth() + 1, 1); t.setHours(0, 0); continue; }
      const domOk = doms.has(t.getDate());
      const dowOk = dows.has(t.getDay());
      const dayOk = cron.domAny || cron.dowAny ? domOk && dowOk : domOk || dowOk;
      if (!dayOk) { t.setDate(t.getDate() + 1); t.setHours(0, 0); continue; }
      if (!hours.has(t.getHours())) { t.setHours(t.getHours() + 1, 0); continue; }
      if (!minutes.has(t.getMinutes())) { t.setMinutes(t.getMinutes() + 1); continue; }
      runs.push(new Date(t));
      t.setMinutes(t.getMinutes() + 1);
    }
    return runs;
  }

  /** A few words for common shapes ("Every day at 03:00"), else the expression itself. */
  function describeCron(text, cron) {
    const [m, h] = cron.sets;
    const parts = text.trim().split(/\s+/);
    const fixed = m.size === 1 && h.size === 1;
    const at = fixed ? `at ${String([...h][0]).padStart(2, '0')}:${String([...m][0]).padStart(2, '0')}` : '';
    if (parts.length === 5 && fixed && parts[2] === '*' && parts[3] === '*' && parts[4] === '*') return `Every day ${at}`;
    if (parts.length === 5 && fixed && parts[2] === '*' && parts[3] === '*' && cron.sets[4].size < 7) {
      const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
      return `Every ${[...cron.sets[4]].sort().map((d) => names[d]).join(', ')} ${at}`;
    }
    if (parts.length === 5 && m.size === 1 && parts[1] === '*' && parts[2] === '*' && parts[3] === '*' && parts[4] === '*') return `Every hour at minute ${[...m][0]}`;
    return '';
  }

  function cronPreview() {
    const text = $('sched-cron').value;
    const box = $('sched-cron-preview');
    dom.fieldError('sched-cron', '');
    try {
      const cron = parseCron(text);
      const runs = nextRuns(cron, 5);
      const words = describeCron(text, cron);
      box.replaceChildren(dom.el('span', { text: `${words ? words + '. ' : ''}Next runs (your time zone):` }),
        dom.el('ul', { id: 'cron-runs', class: 'runs' }, runs.map((run) => dom.el('li', { text: run.toLocaleString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) }))));
      if (!runs.length) box.replaceChildren(dom.el('span', { text: 'This expression never fires.' }));
      return true;
    } catch (error) {
      box.replaceChildren();
      dom.fieldError('sched-cron', error.message);
      return false;
    }
  }
  dash.cron = { parse: parseCron, next: nextRuns };

  // ---------------------------------------------------------------- Schedules

  let editing = null; // the schedule being edited, or null for a new one
  let stopSchedules = null;

  function scheduleType() { return $('sched-type-interval').checked ? 'interval' : 'cron'; }
  function showType() {
    const interval = scheduleType() === 'interval';
    $('sched-cron-field').hidden = interval;
    $('sched-interval-field').hidden = !interval;
  }

  function editSchedule(schedule) {
    editing = schedule;
    $('sched-form-title').textContent = `Edit ${schedule.name}`;
    $('sched-save').textContent = 'Save changes';
    $('sched-cancel-edit').hidden = false;
    $('sched-name').value = schedule.name;
    $('sched-library').value = schedule.library_id || '';
    $('sched-type-interval').checked = schedule.schedule_type === 'interval';
    $('sched-type-cron').checked = schedule.schedule_type !== 'interval';
    if (schedule.cron_expression) $('sched-cron').value = schedule.cron_expression;
    if (schedule.interval_minutes) $('sched-interval').value = schedule.interval_minutes;
    $('sched-force').checked = !!schedule.force;
    $('sched-enabled').checked = !!schedule.enabled;
    showType();
    cronPreview();
    $('sched-name').focus();
  }

  function stopEditing() {
    editing = null;
    $('sched-form-title').textContent = 'New schedule';
    $('sched-save').textContent = 'Create schedule';
    $('sched-cancel-edit').hidden = true;
    $('sched-name').value = '';
  }

  async function loadSchedules() {
    const answer = await api.get('/api/schedules');
    const list = Array.isArray(answer.schedules) ? answer.schedules : [];
    $('sched-body').replaceChildren(...list.map((s) => dom.el('tr', { 'data-schedule': s.id }, [
      dash.cell(s.name), dash.cell(s.library_name || s.library_id),
      dash.cell(`${s.schedule_type === 'interval' ? `every ${s.interval_minutes} min` : s.cron_expression}${s.force ? ', force' : ''}${s.enabled ? '' : ' (off)'}`),
      dash.cell(dash.time(s.next_run)), dash.cell(dash.time(s.last_run)),
      dom.el('td', { class: 'row-actions' }, [
        dash.button('Run now', () => runSchedule(s), { 'aria-label': `Run ${s.name} now` }),
        dash.button('Edit', () => editSchedule(s), { 'aria-label': `Edit ${s.name}` }),
        dash.button('Delete', () => deleteSchedule(s), { 'aria-label': `Delete ${s.name}`, class: 'danger' }),
      ]),
    ])));
    $('sched-empty').hidden = list.length > 0;
  }

  async function runSchedule(s) {
    try {
      await api.post(`/api/schedules/${encodeURIComponent(s.id)}/run`);
      dom.status('sched-status', `${s.name} started: see Jobs.`, 'ok');
      await loadSchedules();
    } catch (error) { dash.fail(error, 'sched-status'); }
  }

  async function deleteSchedule(s) {
    if (!window.confirm(`Delete the schedule ${s.name}?`)) return;
    try {
      await api.del(`/api/schedules/${encodeURIComponent(s.id)}`);
      if (editing && editing.id === s.id) stopEditing();
      dom.status('sched-status', `${s.name} deleted.`, 'ok');
      await loadSchedules();
    } catch (error) { dash.fail(error, 'sched-status'); }
  }

  async function saveSchedule(event) {
    event.preventDefault();
    for (const id of ['sched-name', 'sched-cron', 'sched-interval']) dom.fieldError(id, '');
    const name = $('sched-name').value.trim();
    if (!name) { dom.fieldError('sched-name', 'Give the schedule a name.'); return; }
    const select = $('sched-library');
    const body = {
      name, library_id: select.value,
      library_name: select.selectedOptions[0] ? select.selectedOptions[0].textContent.replace(/ \([^)]*\)$/, '') : null,
      schedule_type: scheduleType(), force: $('sched-force').checked, enabled: $('sched-enabled').checked,
    };
    if (body.schedule_type === 'cron') {
      if (!cronPreview()) return;
      body.cron_expression = $('sched-cron').value.trim();
    } else {
      const minutes = Number($('sched-interval').value);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 525600) { dom.fieldError('sched-interval', 'Between 1 and 525600 minutes.'); return; }
      body.interval_minutes = minutes;
    }
    try {
      if (editing) await api.put(`/api/schedules/${encodeURIComponent(editing.id)}`, body);
      else await api.post('/api/schedules', body);
      dom.status('sched-status', editing ? `${name} saved.` : `${name} created.`, 'ok');
      stopEditing();
      await loadSchedules();
    } catch (error) {
      if (error.status === 400 && body.schedule_type === 'cron') dom.fieldError('sched-cron', dom.describe(error));
      else dash.fail(error, 'sched-status');
    }
  }

  dash.pages.schedules = {
    show() {
      dash.libraries($('sched-library')).catch((error) => dash.fail(error, 'sched-status'));
      cronPreview();
      stopSchedules = dash.every(30000, loadSchedules);
    },
    hide() { if (stopSchedules) stopSchedules(); },
    reset() { stopEditing(); $('sched-body').replaceChildren(); dom.status('sched-status', '', ''); },
  };

  // Loaded after the document (on the first visit to one of these pages): wire the forms now.
  (() => {
    $('job-form').addEventListener('submit', startJob);
    $('filejob-form').addEventListener('submit', startFileJob);
    $('job-cancel').addEventListener('click', () => { if (jobs.open) cancelJob(jobs.open); });
    $('job-close').addEventListener('click', closeJob);
    $('sched-form').addEventListener('submit', saveSchedule);
    $('sched-cancel-edit').addEventListener('click', stopEditing);
    $('sched-cron').addEventListener('input', cronPreview);
    for (const id of ['sched-type-cron', 'sched-type-interval']) $(id).addEventListener('change', showType);
  })();
})();
