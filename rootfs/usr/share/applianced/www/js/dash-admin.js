// Dashboard pages for the owner: Settings (every setting by table, where its value comes from: file and line, written through
// PUT /api/v1/settings/{key}), Logs (level, search, live tail by polling), Services (restart) and Users (roles).
'use strict';

(() => {
  const { $ } = dom;
  const SOURCES = {
    file: 'applianced.toml', 'drop-in': 'conf.d drop-in', environment: 'environment', default: 'default', secrets: 'secrets.toml',
  };

  // ---------------------------------------------------------------- Settings

  const settings = { rows: {}, stop: null };

  function fieldId(key) { return `set-${key.replace(/[^a-z0-9]+/gi, '-')}`; }

  function shown(value) {
    if (Array.isArray(value)) return value.join('\n');
    if (value === null || value === undefined) return '';
    return String(value);
  }

  /** The input for one setting: a checkbox, a number, lines for an array, a password box for a secret. */
  function inputFor(s, id) {
    const describedBy = `${id}-help ${id}-error`;
    if (s.data_type === 'boolean') return dom.el('input', { id, type: 'checkbox', 'aria-describedby': describedBy });
    if (s.data_type === 'array') return dom.el('textarea', { id, rows: 2, spellcheck: 'false', 'aria-describedby': describedBy });
    if (s.is_secret) return dom.el('input', { id, type: 'password', autocomplete: 'new-password', placeholder: 'Type a new value to replace it', 'aria-describedby': describedBy });
    if (s.data_type === 'number') return dom.el('input', { id, type: 'number', step: 'any', spellcheck: 'false', 'aria-describedby': describedBy });
    return dom.el('input', { id, type: s.data_type === 'integer' ? 'number' : 'text', spellcheck: 'false', 'aria-describedby': describedBy });
  }

  /** Where a value was read, as a person finds it: `applianced.toml, line 12`, `conf.d/50-site.toml, line 2`,
   *  `APPLIANCED_THUMBNAILS_QUALITY`; empty for a default. */
  function originText(s) {
    const origin = s.origin || '';
    const place = /^(?:drop-in )?(.+):(\d+):\d+$/.exec(origin);
    if (place) return `${place[1]}, line ${place[2]}`;
    if (origin.startsWith('environment variable ')) return origin.slice('environment variable '.length);
    return '';
  }

  /** Puts the server's value and source on a row, unless the person is editing it. */
  function fill(row, s) {
    row.setting = s;
    row.origin.textContent = originText(s);
    row.source.textContent = SOURCES[s.source] || s.source;
    row.source.className = `badge source-${s.source}`;
    row.wrap.dataset.source = s.source;
    if (s.is_secret) {
      row.state.textContent = s.value ? 'A value is set (hidden).' : 'Not set.';
      return;
    }
    if (row.dirty || document.activeElement === row.input) return;
    if (s.data_type === 'boolean') row.input.checked = s.value === true;
    else row.input.value = shown(s.value);
  }

  /** The typed value of an input, or throws a readable Error. */
  function valueOf(row) {
    const s = row.setting;
    if (s.data_type === 'boolean') return row.input.checked;
    const text = row.input.value;
    if (s.data_type === 'integer') {
      if (!/^-?\d+$/.test(text.trim())) throw new Error('Enter a whole number.');
      return Number(text.trim());
    }
    if (s.data_type === 'number') {
      const number = Number(text.trim());
      if (text.trim() === '' || !isFinite(number)) throw new Error('Enter a number.');
      return number;
    }
    if (s.data_type === 'array') return text.split('\n').map((line) => line.trim()).filter(Boolean);
    return text;
  }

  async function saveSetting(row) {
    const s = row.setting;
    const id = row.input.id;
    dom.fieldError(id, '');
    let value;
    try { value = valueOf(row); } catch (error) { dom.fieldError(id, error.message); return; }
    if (s.is_secret && value === '') { dom.fieldError(id, 'Type the new value first.'); return; }
    row.save.disabled = true;
    try {
      const answer = await api.put(`/api/v1/settings/${encodeURIComponent(s.key)}`, { value });
      row.dirty = false;
      if (s.is_secret) row.input.value = '';
      row.state.textContent = `Saved${answer.requires_restart ? '; takes effect after a restart' : ''}.`;
      row.state.className = 'status ok';
      await refreshSettings();
    } catch (error) {
      if (error.status === 401) dash.fail(error);
      else dom.fieldError(id, error.status === 403 ? 'Your account may not change settings.' : dom.describe(error));
    } finally {
      row.save.disabled = false;
    }
  }

  function buildSettings(list) {
    const groups = new Map();
    for (const s of list) {
      const table = s.key.split('.').slice(0, -1).join('.') || s.category;
      if (!groups.has(table)) groups.set(table, []);
      groups.get(table).push(s);
    }
    const admin = dash.isAdmin();
    const box = $('settings-groups');
    box.replaceChildren();
    settings.rows = {};
    for (const [table, items] of groups) {
      const card = dom.el('section', { class: 'card settings-group', 'aria-labelledby': `tbl-${fieldId(table)}` }, [
        dom.el('h2', { id: `tbl-${fieldId(table)}` }, [dom.el('code', { text: `[${table}]` })]),
      ]);
      for (const s of items) {
        const id = fieldId(s.key);
        const input = inputFor(s, id);
        input.disabled = !admin;
        const source = dom.el('span', { class: 'badge', id: `${id}-source` });
        const origin = dom.el('span', { class: 'help', id: `${id}-origin` });
        const state = dom.el('span', { class: 'status', id: `${id}-state`, role: 'status' });
        const save = dash.button('Save', () => saveSetting(row), { 'aria-label': `Save ${s.key}`, hidden: !admin, id: `${id}-save` });
        const label = dom.el('label', { for: id }, [dom.el('code', { text: s.key.split('.').pop() })]);
        const help = dom.el('p', { class: 'help', id: `${id}-help`, text: `${s.description}. ${s.allowed ? `Allowed: ${s.allowed}.` : ''} Default: ${s.is_secret ? 'empty' : JSON.stringify(s.default_value)}.${s.requires_restart ? ' Needs a restart.' : ''}` });
        const wrap = dom.el('div', { class: 'setting', 'data-key': s.key }, [
          dom.el('div', { class: 'setting-head' }, [label, dom.el('span', { class: 'help', text: 'from ' }), source, origin]),
          help, dom.el('div', { class: 'setting-edit' }, [input, save]),
          dom.el('p', { class: 'field-error', id: `${id}-error`, hidden: true }), state,
        ]);
        const row = { input, source, origin, state, save, wrap, dirty: false, setting: s };
        input.addEventListener('input', () => { row.dirty = true; row.state.textContent = ''; });
        input.addEventListener('change', () => { row.dirty = true; });
        input.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' && input.tagName === 'INPUT') { event.preventDefault(); saveSetting(row); }
        });
        settings.rows[s.key] = row;
        fill(row, s);
        card.append(wrap);
      }
      box.append(card);
    }
    filterSettings();
  }

  async function refreshSettings() {
    const list = await api.get('/api/v1/settings/server');
    const items = Array.isArray(list) ? list : [];
    if (!Object.keys(settings.rows).length || items.some((s) => !settings.rows[s.key])) { buildSettings(items); return; }
    for (const s of items) fill(settings.rows[s.key], s);
  }

  function filterSettings() {
    const words = $('settings-filter').value.trim().toLowerCase();
    for (const card of $('settings-groups').children) {
      let any = false;
      for (const wrap of card.querySelectorAll('.setting')) {
        const row = settings.rows[wrap.dataset.key];
        const match = !words || `${row.setting.key} ${row.setting.description}`.toLowerCase().includes(words);
        wrap.hidden = !match;
        any = any || match;
      }
      card.hidden = !any;
    }
  }

  dash.pages.settings = {
    // Read again every 5 s while shown: a hand edit of the TOML (picked up by the daemon within a second) shows here.
    show() { settings.stop = dash.every(5000, refreshSettings); },
    hide() { if (settings.stop) settings.stop(); },
    reset() { settings.rows = {}; $('settings-groups').replaceChildren(); },
  };

  // ---------------------------------------------------------------- Logs

  const logs = { lines: [], stop: null };

  function renderLogs() {
    const words = $('log-search').value.trim().toLowerCase();
    const lines = words ? logs.lines.filter((l) => l.message.toLowerCase().includes(words)) : logs.lines;
    $('log-lines').replaceChildren(...lines.slice(0, 500).map((l) => dom.el('li', { class: `log-${l.level}` }, [
      dom.el('time', { datetime: l.timestamp, text: new Date(l.timestamp).toLocaleTimeString() }),
      dom.el('span', { class: 'badge', text: l.level }), dom.el('span', { class: 'msg', text: l.message }),
    ])));
    $('log-count').textContent = `${lines.length} line${lines.length === 1 ? '' : 's'}${words ? ` matching "${words}"` : ''}${$('log-tail').checked ? ', live' : ''}.`;
  }

  async function loadLogs() {
    const level = $('log-level').value;
    const answer = await api.get(`/api/v1/logs?limit=1000${level ? `&level=${level}` : ''}`);
    logs.lines = answer.logs || [];
    renderLogs();
  }

  function tail() {
    if (logs.stop) logs.stop();
    logs.stop = $('log-tail').checked ? dash.every(3000, loadLogs) : null;
    if (!logs.stop) loadLogs().catch((error) => dash.fail(error));
  }

  dash.pages.logs = {
    show() { tail(); },
    hide() { if (logs.stop) logs.stop(); logs.stop = null; },
    reset() { logs.lines = []; $('log-lines').replaceChildren(); $('log-count').textContent = ''; },
  };

  // ---------------------------------------------------------------- Services

  let stopServices = null;
  async function loadServices() {
    const answer = await api.get('/api/v1/services/health');
    const admin = dash.isAdmin();
    $('svc-body').replaceChildren(...(answer.services || []).map((s) => dom.el('tr', { 'data-service': s.name }, [
      dash.cell(s.name), dash.cell(dash.badge(s.status)), dash.cell(dash.badge(s.health)),
      dom.el('td', { class: 'wrap', text: s.detail || '' }),
      dom.el('td', { class: 'row-actions' }, admin ? [dash.button('Restart', () => restart(s.name), { 'aria-label': `Restart ${s.name}` })] : []),
    ])));
  }
  async function restart(name) {
    dom.status('svc-status', `Restarting ${name}…`, 'busy');
    try {
      const answer = await api.post(`/api/v1/services/${encodeURIComponent(name)}/restart`);
      dom.status('svc-status', `${name}: ${answer.status}.`, 'ok');
      await loadServices();
    } catch (error) { dash.fail(error, 'svc-status'); }
  }
  dash.pages.services = {
    show() { stopServices = dash.every(15000, loadServices); },
    hide() { if (stopServices) stopServices(); },
    reset() { $('svc-body').replaceChildren(); dom.status('svc-status', '', ''); },
  };

  // ---------------------------------------------------------------- Users

  const ROLES = ['admin', 'moderator', 'user', 'guest'];
  async function loadUsers() {
    if (!dash.isAdmin()) { dom.status('users-status', 'Only an administrator manages users.', 'error'); return; }
    const [answer, roles] = await Promise.all([api.get('/api/v1/admin/users?limit=100'), api.get('/api/v1/rbac/roles')]);
    const users = (answer.data && answer.data.users) || [];
    const me = dash.user();
    $('users-body').replaceChildren(...users.map((u) => {
      const id = `role-${u.id}`;
      const select = dom.el('select', { id, 'aria-label': `Role of ${u.username}` }, ROLES.map((r) => dom.el('option', { value: r, text: r })));
      select.value = u.role;
      select.addEventListener('change', () => setRole(u, select));
      const actions = dom.el('td', { class: 'row-actions' });
      if (!me || me.id !== u.id) {
        actions.append(u.is_active
          ? dash.button('Disable', () => setActive(u, false), { 'aria-label': `Disable ${u.username}` })
          : dash.button('Enable', () => setActive(u, true), { 'aria-label': `Enable ${u.username}` }));
        actions.append(dash.button('Delete', () => deleteUser(u), { class: 'danger', 'aria-label': `Delete ${u.username}` }));
      }
      return dom.el('tr', { 'data-user': u.username }, [
        dash.cell(`${u.username}${u.email ? ` <${u.email}>` : ''}`), dom.el('td', {}, [select]),
        dash.cell(u.is_active ? 'yes' : 'disabled'), dash.cell(dash.time(u.last_login_at)), actions,
      ]);
    }));
    if (!users.length) $('users-body').append(dom.el('tr', {}, [dom.el('td', { colspan: 5, class: 'help', text: 'No user accounts yet.' })]));
    $('roles-list').replaceChildren(...(roles.roles || []).map((r) => dom.el('li', {}, [
      dom.el('span', { class: 'state-name', text: r.name }), dom.el('span', { class: 'badge', text: `${r.user_count} user${r.user_count === 1 ? '' : 's'}` }),
      dom.el('span', { class: 'help block', text: r.description || '' }),
    ])));
  }
  async function setRole(u, select) {
    try {
      await api.patch(`/api/v1/admin/users/${encodeURIComponent(u.id)}/role`, { role: select.value });
      dom.status('users-status', `${u.username} is now ${select.value}.`, 'ok');
      await loadUsers();
    } catch (error) { select.value = u.role; dash.fail(error, 'users-status'); }
  }
  async function setActive(u, active) {
    try {
      await api.post(`/api/v1/admin/users/${encodeURIComponent(u.id)}/${active ? 'enable' : 'disable'}`);
      dom.status('users-status', `${u.username} ${active ? 'enabled' : 'disabled; their sessions ended'}.`, 'ok');
      await loadUsers();
    } catch (error) { dash.fail(error, 'users-status'); }
  }
  async function createUser(event) {
    event.preventDefault();
    dom.fieldError('user-name', '');
    const username = $('user-name').value.trim();
    if (!username) { dom.fieldError('user-name', 'Name the user.'); return; }
    try {
      await api.post('/api/v1/admin/users', {
        username, email: $('user-email').value.trim(), password: $('user-password').value, role: $('user-role').value,
      });
      for (const id of ['user-name', 'user-email', 'user-password']) $(id).value = '';
      dom.status('users-status', `${username} created.`, 'ok');
      await loadUsers();
    } catch (error) { dash.fail(error, 'users-status'); }
  }
  async function deleteUser(u) {
    if (!window.confirm(`Delete ${u.username} with their sessions and API keys?`)) return;
    try {
      await api.del(`/api/v1/admin/users/${encodeURIComponent(u.id)}`);
      dom.status('users-status', `${u.username} deleted.`, 'ok');
      await loadUsers();
    } catch (error) { dash.fail(error, 'users-status'); }
  }
  /** The signed-in user's own sessions and API keys (none for the appliance token). */
  async function loadMine() {
    const [sessions, keys] = await Promise.all([api.get('/api/v1/sessions'), api.get('/api/v1/apikeys')]);
    $('sessions-list').replaceChildren(...(sessions.sessions || []).map((x) => dom.el('li', {}, [
      dom.el('span', { class: 'state-name', text: x.device_name || x.user_agent || 'Browser' }),
      x.is_current ? dash.badge('this one') : dash.button('Sign out', () => revokeSession(x), { 'aria-label': `Sign out the session from ${dash.time(x.created_at)}` }),
      dom.el('span', { class: 'help block', text: `Since ${dash.time(x.created_at)}, last used ${dash.time(x.last_activity_at)}${x.ip_address ? ` from ${x.ip_address}` : ''}` }),
    ])));
    if (!(sessions.sessions || []).length) $('sessions-list').append(dom.el('li', { class: 'help', text: 'No sessions (the access token has none).' }));
    $('keys-list').replaceChildren(...(keys.keys || []).map((k) => dom.el('li', { 'data-key-id': k.id }, [
      dom.el('span', { class: 'state-name', text: `${k.name} (${k.key_prefix}…)` }), dom.el('span', { class: 'badge', text: k.scopes.join(', ') }),
      dash.button('Revoke', () => revokeKey(k), { class: 'danger', 'aria-label': `Revoke the key ${k.name}` }),
      dom.el('span', { class: 'help block', text: `Created ${dash.time(k.created_at)}, last used ${dash.time(k.last_used_at)}` }),
    ])));
    if (!(keys.keys || []).length) $('keys-list').append(dom.el('li', { class: 'help', text: 'No API keys.' }));
  }
  async function revokeSession(x) {
    try { await api.del(`/api/v1/sessions/${encodeURIComponent(x.id)}`); await loadMine(); } catch (error) { dash.fail(error, 'sessions-status'); }
  }
  async function revokeKey(k) {
    if (!window.confirm(`Revoke the key ${k.name}? It stops working at once.`)) return;
    try { await api.del(`/api/v1/apikeys/${encodeURIComponent(k.id)}`); await loadMine(); } catch (error) { dash.fail(error, 'key-status'); }
  }
  async function createKey(event) {
    event.preventDefault();
    dom.fieldError('key-name', '');
    const name = $('key-name').value.trim();
    if (!name) { dom.fieldError('key-name', 'Name the key.'); return; }
    try {
      const answer = await api.post('/api/v1/apikeys', { name, scopes: [$('key-scope').value] });
      $('key-value').textContent = answer.api_key;
      $('key-once').hidden = false;
      $('key-name').value = '';
      dom.status('key-status', `${name} created.`, 'ok');
      await loadMine();
    } catch (error) { dash.fail(error, 'key-status'); }
  }

  let stopUsers = null;
  dash.pages.users = {
    show() {
      stopUsers = dash.every(30000, loadUsers);
      loadMine().catch((error) => dash.fail(error, 'key-status'));
    },
    hide() { if (stopUsers) stopUsers(); $('key-once').hidden = true; $('key-value').textContent = ''; },
    reset() {
      for (const id of ['users-body', 'roles-list', 'sessions-list', 'keys-list']) $(id).replaceChildren();
      $('key-once').hidden = true;
      $('key-value').textContent = '';
      dom.status('users-status', '', '');
    },
  };

  // Loaded after the document (on the first visit to one of these pages): wire the forms now.
  (() => {
    $('settings-filter').addEventListener('input', filterSettings);
    $('log-level').addEventListener('change', () => loadLogs().catch((error) => dash.fail(error)));
    $('log-search').addEventListener('input', renderLogs);
    $('log-tail').addEventListener('change', tail);
    $('key-form').addEventListener('submit', createKey);
    $('user-form').addEventListener('submit', createUser);
  })();
})();
