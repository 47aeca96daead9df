// The dashboard: asks for the access token (kept in sessionStorage), then shows status, hardware and jobs.
'use strict';

(() => {
  const { $ } = dom;
  const REFRESH_MS = 10000;
  let timer = null;

  function text(id, value) { $(id).textContent = value === undefined || value === null ? '–' : String(value); }

  function showSignIn(message) {
    clearTimeout(timer);
    $('dashboard').hidden = true;
    $('sign-out').hidden = true;
    $('signin').hidden = false;
    dom.fieldError('access-token', message || '');
    $('access-token').focus();
  }

  function showError(message) {
    $('dashboard-error').textContent = message || '';
    $('dashboard-error').hidden = !message;
  }

  function renderJobs(jobs) {
    const body = $('jobs-body');
    body.replaceChildren();
    for (const job of jobs.slice(0, 20)) {
      const progress = typeof job.progress === 'number' ? `${Math.round(job.progress)}%` : '–';
      body.append(dom.el('tr', {}, [
        dom.el('td', { text: job.library_name || job.library_id || job.id }),
        dom.el('td', {}, [dom.el('span', { class: `badge ${job.status || ''}`, text: job.status || 'unknown' })]),
        dom.el('td', { text: progress }),
        dom.el('td', { text: job.created_at ? new Date(job.created_at).toLocaleString() : '–' }),
      ]));
    }
    $('jobs-empty').hidden = jobs.length > 0;
  }

  function renderSystem(system) {
    const list = $('gpu-summary');
    list.replaceChildren();
    const gpus = Array.isArray(system.gpus) ? system.gpus : [];
    for (const gpu of gpus) {
      list.append(dom.el('li', { text: `${gpu.name || 'GPU'} (${gpu.device || gpu.type || 'unknown device'})` }));
    }
    if (!gpus.length) list.append(dom.el('li', { text: 'No graphics card: thumbnails use the CPU.' }));
    const workers = system.workers || {};
    text('workers-gpu', workers.gpu);
    text('workers-cpu', workers.cpu);
    const jobs = system.jobs || {};
    text('jobs-running', jobs.running);
    text('jobs-pending', jobs.pending);
    text('jobs-completed', jobs.completed);
    text('jobs-failed', jobs.failed);
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const [health, setup, system, jobs] = await Promise.all([
        api.get('/api/health'), api.get('/api/setup/status'), api.get('/api/system/status'), api.get('/api/jobs'),
      ]);
      text('health-status', health.status);
      text('health-version', health.version);
      text('plex-status', setup.configured ? 'Connected' : 'Not configured');
      renderSystem(system);
      renderJobs(Array.isArray(jobs.jobs) ? jobs.jobs : []);
      showError('');
      $('signin').hidden = true;
      $('dashboard').hidden = false;
      $('sign-out').hidden = false;
    } catch (error) {
      if (error.status === 401) {
        api.setToken('');
        showSignIn('That token was not accepted.');
        return;
      }
      showError(dom.describe(error));
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  function signIn(event) {
    event.preventDefault();
    const token = $('access-token').value.trim();
    if (!token) { dom.fieldError('access-token', 'Enter the access token.'); return; }
    api.setToken(token);
    $('access-token').value = '';
    dom.fieldError('access-token', '');
    refresh();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => { api.setToken(''); showSignIn(''); });
    if (api.token()) refresh(); else showSignIn('');
  });
})();
