// The dashboard: signs in with a user session (POST /api/auth/login sets the session cookies; state changes
// echo the CSRF cookie) or, as a fallback, the access token (kept in sessionStorage); then shows status,
// hardware and jobs.
'use strict';

(() => {
  const { $ } = dom;
  const REFRESH_MS = 10000;
  let timer = null;
  let mfaToken = '';

  function text(id, value) { $(id).textContent = value === undefined || value === null ? '–' : String(value); }

  function showSignIn(message) {
    clearTimeout(timer);
    $('dashboard').hidden = true;
    $('sign-out').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    dom.status('login-status', message || '', message ? 'error' : '');
    $('login-name').focus();
  }

  function signedInAs(name) {
    $('who').textContent = name ? `Signed in as ${name}` : 'Signed in with the access token';
    $('who').hidden = false;
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

  /** A session whose access token expired gets new tokens from its refresh cookie; true when it did. */
  async function renew() {
    if (api.token()) return false;
    try {
      await api.post('/api/v1/auth/refresh');
      return true;
    } catch (error) {
      return false;
    }
  }

  async function refresh(retried) {
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
        if (!retried && (await renew())) { refresh(true); return; }
        if (api.token()) {
          api.setToken('');
          showSignIn('');
          $('token-panel').open = true;
          dom.fieldError('access-token', 'That token was not accepted.');
        } else {
          showSignIn('Your session has ended. Sign in again.');
        }
        return;
      }
      if (error.status === 403) {
        $('signin').hidden = true;
        $('dashboard').hidden = false;
        $('sign-out').hidden = false;
        showError('This account may not see the dashboard. Sign out and sign in as an administrator.');
        return;
      }
      showError(dom.describe(error));
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  async function login(event) {
    event.preventDefault();
    const name = $('login-name').value.trim();
    const password = $('login-password').value;
    const code = $('login-code').value.trim();
    for (const id of ['login-name', 'login-password', 'login-code']) dom.fieldError(id, '');
    dom.status('login-status', '', '');
    let body;
    if (mfaToken) {
      if (!code) { dom.fieldError('login-code', 'Enter the code.'); return; }
      body = { mfaToken, code };
    } else {
      if (!name) { dom.fieldError('login-name', 'Enter your username or e-mail address.'); return; }
      if (!password) { dom.fieldError('login-password', 'Enter your password.'); return; }
      body = name.includes('@') ? { email: name, password } : { username: name, password };
    }
    $('login-button').disabled = true;
    try {
      const answer = await api.post('/api/auth/login', body);
      mfaToken = '';
      $('login-code-field').hidden = true;
      $('login-password').value = '';
      $('login-code').value = '';
      api.setToken('');
      signedInAs(answer.data.user.username);
      refresh();
    } catch (error) {
      if (error.code === 'MFA_REQUIRED') {
        mfaToken = error.body.mfa_token || '';
        $('login-code-field').hidden = false;
        $('login-code').focus();
      } else if (error.status === 401 && mfaToken) {
        dom.fieldError('login-code', 'That code was not accepted.');
      } else if (error.status === 401) {
        dom.status('login-status', 'The username or password is wrong.', 'error');
      } else {
        dom.status('login-status', dom.describe(error), 'error');
      }
    } finally {
      $('login-button').disabled = false;
    }
  }

  function signInWithToken(event) {
    event.preventDefault();
    const token = $('access-token').value.trim();
    if (!token) { dom.fieldError('access-token', 'Enter the access token.'); return; }
    api.setToken(token);
    $('access-token').value = '';
    dom.fieldError('access-token', '');
    signedInAs('');
    refresh();
  }

  function plexLogin() {
    const ui = { status: 'plex-login-status', linkRow: 'plex-link-row', link: 'plex-link', button: 'plex-login' };
    window.plexSignIn.run(ui, (session) => {
      api.setToken('');
      signedInAs(session.user.username);
      refresh();
    });
  }

  async function signOut() {
    clearTimeout(timer);
    if (api.token()) {
      api.setToken('');
    } else {
      try { await api.post('/api/v1/auth/logout'); } catch (error) { /* the cookies expire on their own */ }
    }
    showSignIn('');
  }

  /** The token of this tab, else the browser's session (renewed once if its access token expired). */
  async function start(renewed) {
    if (api.token()) { signedInAs(''); refresh(); return; }
    try {
      const session = await api.get('/api/v1/auth/session');
      signedInAs(session.data.user.username);
      refresh();
    } catch (error) {
      if (error.status === 401 && !renewed && (await renew())) { start(true); return; }
      showSignIn('');
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('signin-form').addEventListener('submit', signInWithToken);
    $('plex-login').addEventListener('click', plexLogin);
    $('sign-out').addEventListener('click', signOut);
    start(false);
  });
})();
