// The dashboard shell: sign-in (a user session through POST /api/auth/login, which sets HttpOnly session cookies and a
// readable CSRF cookie, with the TOTP step; or the appliance token, kept in this tab's sessionStorage), then one page
// at a time by the URL's hash (#overview, #jobs, …). Pages register in dash.pages with show(section) and hide();
// nothing private is rendered before the API has accepted the credential, and signing out empties every page.
'use strict';

(() => {
  const { $ } = dom;
  let mfaToken = '';
  let current = null; // the page shown
  let user = null; // the signed-in user ({username, is_admin, role}) or the owner for the token

  /** Helpers the pages share. */
  const dash = {
    pages: {},
    user: () => user,
    isAdmin: () => !!(user && (user.is_admin || user.role === 'admin')),
    /** Shows (or clears) the page-wide error line. */
    error(message) {
      $('dashboard-error').textContent = message || '';
      $('dashboard-error').hidden = !message;
    },
    /** Reports an API failure: a 401 signs out, others show on the page (or in the status line given). */
    fail(error, statusId) {
      if (error && error.status === 401) { signedOut('Your session has ended. Sign in again.'); return; }
      const message = error && error.status === 403 ? 'Your account may not do this.' : dom.describe(error);
      if (statusId) dom.status(statusId, message, 'error'); else dash.error(message);
    },
    /** A repeating task that runs only while its page is shown; returns a stop function. */
    every(ms, task) {
      let timer = null;
      let stopped = false;
      const run = async () => {
        try { await task(); } catch (error) { dash.fail(error); }
        if (!stopped) timer = setTimeout(run, ms);
      };
      run();
      return () => { stopped = true; clearTimeout(timer); };
    },
    bytes(n) {
      if (typeof n !== 'number' || !isFinite(n)) return '–';
      const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
      let i = 0;
      while (n >= 1000 && i < units.length - 1) { n /= 1000; i += 1; }
      return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
    },
    time(value) {
      if (!value) return '–';
      const date = new Date(value);
      return isNaN(date) ? String(value) : date.toLocaleString();
    },
    duration(seconds) {
      if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0) return '–';
      const s = Math.round(seconds);
      if (s < 60) return `${s} s`;
      if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
      return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    },
    /** A labelled progress bar (the native element: no inline style under the CSP). */
    bar(percent, label, kind) {
      const value = Math.max(0, Math.min(100, Number(percent) || 0));
      const wrap = dom.el('div', { class: `bar ${kind || ''}` });
      const text = dom.el('span', { class: 'bar-label', text: label });
      const bar = dom.el('progress', { max: 100, value: value.toFixed(1), 'aria-label': label });
      wrap.append(text, bar);
      return wrap;
    },
    badge(status) {
      return dom.el('span', { class: `badge ${status || ''}`, text: status || 'unknown' });
    },
    button(label, onClick, attrs) {
      const node = dom.el('button', Object.assign({ type: 'button' }, attrs || {}), [label]);
      node.addEventListener('click', onClick);
      return node;
    },
    cell(content) {
      return dom.el('td', {}, [content === undefined || content === null ? '–' : content]);
    },
    /** Fills a <select> with libraries of the configured Plex server (id → name). */
    async libraries(select) {
      const answer = await api.get('/api/libraries');
      const libraries = Array.isArray(answer.libraries) ? answer.libraries : [];
      const chosen = select.value;
      select.replaceChildren(...libraries.map((library) =>
        dom.el('option', { value: library.id, text: `${library.name} (${library.type})` })));
      if (chosen) select.value = chosen;
      return libraries;
    },
    /** Opens a WebSocket on the daemon and reopens it (with a growing pause) until stop() is called. */
    socket(path, onMessage, onState) {
      let ws = null;
      let stopped = false;
      let delay = 1000;
      let timer = null;
      const open = () => {
        ws = new WebSocket(api.wsURL(path));
        ws.addEventListener('open', () => { delay = 1000; if (onState) onState(true); });
        ws.addEventListener('message', (event) => {
          let message = null;
          try { message = JSON.parse(event.data); } catch (e) { return; }
          onMessage(message);
        });
        ws.addEventListener('close', () => {
          if (onState) onState(false);
          if (stopped) return;
          timer = setTimeout(open, delay);
          delay = Math.min(delay * 2, 30000);
        });
      };
      open();
      return () => { stopped = true; clearTimeout(timer); if (ws) ws.close(1000); };
    },
  };
  window.dash = dash;

  // Each page's code comes with the first visit to one of its pages (a script of this origin, as the CSP allows).
  const SCRIPTS = {
    overview: 'ops', jobs: 'ops', schedules: 'ops', monitoring: 'monitor', hardware: 'monitor',
    settings: 'admin', logs: 'admin', services: 'admin', users: 'admin',
  };
  const loading = {};
  function load(name) {
    const file = `/js/dash-${SCRIPTS[name]}.js`;
    if (!loading[file]) {
      loading[file] = new Promise((resolve, reject) => {
        const script = dom.el('script', { src: file });
        script.addEventListener('load', resolve);
        script.addEventListener('error', () => { delete loading[file]; reject(new Error('This page could not be loaded. Reload to try again.')); });
        document.head.append(script);
      });
    }
    return loading[file];
  }

  function pageName() {
    const name = location.hash.replace(/^#\/?/, '');
    return SCRIPTS[name] && document.querySelector(`[data-page="${name}"]`) ? name : 'overview';
  }

  /** Shows the page the hash names, hiding (and stopping) the one before. */
  async function route(focus) {
    if (!user) return;
    const name = pageName();
    if (!dash.pages[name]) {
      try { await load(name); } catch (error) { dash.error(error.message); return; }
      if (!user || pageName() !== name) return;
    }
    if (current && current !== name) {
      try { dash.pages[current].hide(); } catch (e) { /* a page that fails to stop must not block the next */ }
      document.querySelector(`[data-page="${current}"]`).hidden = true;
    }
    dash.error('');
    for (const link of document.querySelectorAll('#nav a')) {
      if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    const section = document.querySelector(`[data-page="${name}"]`);
    section.hidden = false;
    document.title = `${section.querySelector('h1').textContent} · applianced`;
    if (current !== name) {
      current = name;
      dash.pages[name].show(section);
      if (focus) section.querySelector('h1').focus();
    }
  }

  function signedIn(who) {
    user = who;
    $('who').textContent = who.id === 'appliance' ? 'Signed in with the access token' : `Signed in as ${who.username}`;
    $('who').hidden = false;
    $('sign-out').hidden = false;
    $('signin').hidden = true;
    $('nav').hidden = false;
    for (const link of document.querySelectorAll('#nav [data-admin]')) link.hidden = !dash.isAdmin();
    $('dashboard').hidden = false;
    route(false);
  }

  /** Hides and empties every page, then shows the sign-in form. */
  function signedOut(message) {
    if (current) {
      try { dash.pages[current].hide(); } catch (e) { /* ignore */ }
    }
    current = null;
    user = null;
    for (const page of Object.values(dash.pages)) if (page.reset) page.reset();
    for (const section of document.querySelectorAll('[data-page]')) section.hidden = true;
    $('dashboard').hidden = true;
    $('nav').hidden = true;
    $('sign-out').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    dom.status('login-status', message || '', message ? 'error' : '');
    $('login-name').focus();
  }

  /** Asks who the credential belongs to; a session whose access token expired is renewed once. */
  async function whoAmI(renewed) {
    try {
      const session = await api.get('/api/v1/auth/session');
      signedIn(session.data.user);
    } catch (error) {
      if (error.status === 401 && !api.token() && !renewed) {
        try {
          await api.post('/api/v1/auth/refresh');
          whoAmI(true);
          return;
        } catch (e) { /* fall through to the form */ }
      }
      if (error.status === 401 && api.token()) {
        api.setToken('');
        signedOut('');
        $('token-panel').open = true;
        dom.fieldError('access-token', 'That token was not accepted.');
        return;
      }
      signedOut(error.status === 401 ? '' : dom.describe(error));
    }
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
      await api.post('/api/auth/login', body);
      mfaToken = '';
      $('login-code-field').hidden = true;
      $('login-password').value = '';
      $('login-code').value = '';
      api.setToken('');
      await whoAmI(true);
    } catch (error) {
      if (error.code === 'MFA_REQUIRED') {
        mfaToken = error.body.mfa_token || error.body.mfaToken || '';
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
    whoAmI(true);
  }

  function plexLogin() {
    const ui = { status: 'plex-login-status', linkRow: 'plex-link-row', link: 'plex-link', button: 'plex-login' };
    window.plexSignIn.run(ui, () => { api.setToken(''); whoAmI(true); });
  }

  async function signOut() {
    if (api.token()) {
      api.setToken('');
    } else {
      try { await api.post('/api/v1/auth/logout'); } catch (error) { /* the cookies expire on their own */ }
    }
    signedOut('');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('signin-form').addEventListener('submit', signInWithToken);
    $('plex-login').addEventListener('click', plexLogin);
    $('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', () => route(true));
    // Only a tab with a credential asks who it is: a signed-out tab makes no request that can only fail.
    if (api.token() || cookieValue(CSRF_COOKIE)) whoAmI(false); else signedOut('');
  });
})();
