// The first-boot wizard: six steps, progress saved with /api/setup/state, settings with /api/settings.
'use strict';

(() => {
  const { $ } = dom;
  const LAST_STEP = 6;
  const PIN_POLL_MS = 2000;
  const PIN_POLL_LIMIT = 300; // ten minutes of polling, then the person starts again

  // Choices only: no secrets are kept in the saved progress.
  const data = {
    mode: '', serverName: '', machineId: '', serverUrl: '', selectedLibraries: [],
    configFolder: '/plex', mapPlex: '', mapLocal: '',
    gpuThreads: null, cpuThreads: null, interval: null, quality: null,
  };
  let step = 1;
  let signedIn = false;
  let pinTimer = null;
  let optionsLoaded = false;
  let currentToken = '';
  let chosenToken = '';

  function globalError(message) {
    const box = $('global-error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  async function saveProgress(nextStep) {
    await api.post('/api/setup/state', { step: nextStep, data });
  }

  function show(target, focus) {
    step = Math.min(Math.max(target, 1), LAST_STEP);
    for (const section of document.querySelectorAll('section.step')) {
      section.hidden = Number(section.dataset.step) !== step;
    }
    for (const item of document.querySelectorAll('.steps li')) {
      const n = Number(item.dataset.step);
      item.classList.toggle('done', n < step);
      item.classList.toggle('current', n === step);
      if (n === step) item.setAttribute('aria-current', 'step'); else item.removeAttribute('aria-current');
    }
    globalError('');
    if (focus) $(`step${step}-title`).focus();
    enter(step);
  }

  function enter(n) {
    if (n === 1) $('step1-next').disabled = !signedIn;
    if (n === 2) enterServer();
    if (n === 3) {
      $('config-folder').value = data.configFolder || '/plex';
      $('map-plex').value = data.mapPlex;
      $('map-local').value = data.mapLocal;
    }
    if (n === 4 && !optionsLoaded) loadOptions();
    if (n === 5) loadTokenInfo();
    if (n === 6) window.setupAdmin.enter();
  }

  async function advance(from, work) {
    const button = document.querySelector(`section.step[data-step="${from}"] .next`);
    button.disabled = true;
    try {
      if (work && (await work()) === false) return;
      await saveProgress(from + 1);
      show(from + 1, true);
    } catch (error) {
      globalError(dom.describe(error));
    } finally {
      button.disabled = from === 1 ? !signedIn : false;
    }
  }

  // Step 1: sign in.
  function signedInWith(mode) {
    signedIn = true;
    data.mode = mode;
    $('step1-next').disabled = false;
  }

  async function startPin() {
    clearTimeout(pinTimer);
    const button = $('plex-signin');
    button.disabled = true;
    dom.status('pin-status', 'Asking plex.tv for a sign-in code…', 'busy');
    try {
      const pin = await api.post('/api/plex/auth/pin');
      $('pin-link').href = pin.auth_url;
      $('pin-link-row').hidden = false;
      window.open(pin.auth_url, '_blank', 'noopener');
      dom.status('pin-status', `Approve the code ${pin.code} in the Plex window. Waiting for Plex…`, 'busy');
      pollPin(pin.id, 0);
    } catch (error) {
      dom.status('pin-status', dom.describe(error), 'error');
      button.disabled = false;
    }
  }

  function pollPin(id, count) {
    if (count >= PIN_POLL_LIMIT) {
      dom.status('pin-status', 'Sign-in timed out. Press “Sign in with Plex” to try again.', 'error');
      $('plex-signin').disabled = false;
      return;
    }
    pinTimer = setTimeout(async () => {
      try {
        const answer = await api.get(`/api/plex/auth/pin/${encodeURIComponent(id)}`);
        if (!answer.authenticated) { pollPin(id, count + 1); return; }
        $('plex-signin').disabled = false;
        $('pin-link-row').hidden = true;
        dom.status('pin-status', 'Signed in to Plex.', 'ok');
        signedInWith('pin');
        await saveProgress(1);
      } catch (error) {
        dom.status('pin-status', dom.describe(error), 'error');
        $('plex-signin').disabled = false;
      }
    }, PIN_POLL_MS);
  }

  function checkUrl(fieldId, value) {
    if (!value) { dom.fieldError(fieldId, 'Enter the server URL.'); return false; }
    if (!/^https?:\/\/[^\s/?#]+(\/\S*)?$/i.test(value)) {
      dom.fieldError(fieldId, 'The URL must start with http:// or https:// and name a host, e.g. http://192.168.1.100:32400.');
      return false;
    }
    dom.fieldError(fieldId, '');
    return true;
  }

  async function verifyManual(event) {
    event.preventDefault();
    const url = $('manual-url').value.trim();
    const token = $('manual-token').value.trim();
    let ok = checkUrl('manual-url', url);
    dom.fieldError('manual-token', token ? '' : 'Enter the Plex token.');
    ok = ok && !!token;
    if (!ok) return;
    const button = $('manual-verify');
    button.disabled = true;
    dom.status('manual-status', 'Connecting…', 'busy');
    try {
      const answer = await api.post('/api/plex/test', { url, token });
      await api.post('/api/settings', { plex_url: url, plex_token: token, plex_name: answer.server_name || '' });
      data.serverUrl = url;
      data.serverName = answer.server_name || '';
      dom.status('manual-status', `Connected to ${answer.server_name || 'the server'} (version ${answer.version || 'unknown'}).`, 'ok');
      signedInWith('manual');
      await saveProgress(1);
    } catch (error) {
      dom.status('manual-status', '', '');
      if (error.code === 'PLEX_UNAUTHORIZED') dom.fieldError('manual-token', error.message);
      else if (error.status === 400 && /url/i.test(error.message)) dom.fieldError('manual-url', error.message);
      else dom.status('manual-status', dom.describe(error), 'error');
    } finally {
      button.disabled = false;
    }
  }

  // Step 2: server and libraries.
  async function enterServer() {
    $('server-url').value = data.serverUrl;
    if (data.mode === 'pin' && !$('server-list').hasChildNodes()) await loadServers();
    if (data.serverUrl && !$('library-grid').hasChildNodes()) loadLibraries();
  }

  async function loadServers() {
    dom.status('server-list-status', 'Looking for your servers…', 'busy');
    try {
      const answer = await api.get('/api/plex/servers');
      const servers = answer.servers || [];
      const list = $('server-list');
      list.replaceChildren();
      servers.forEach((server, index) => {
        const url = `${server.ssl ? 'https' : 'http'}://${server.host}:${server.port}`;
        const id = `server-${index}`;
        const radio = dom.el('input', { type: 'radio', name: 'server', id, value: url, 'data-name': server.name, 'data-machine': server.machine_id });
        radio.checked = data.machineId ? data.machineId === server.machine_id : data.serverUrl === url;
        radio.addEventListener('change', () => chooseServer(radio));
        const where = [server.local ? 'local' : 'remote', server.owned ? 'owned' : 'shared'].join(', ');
        list.append(dom.el('label', { class: 'choice', for: id }, [radio,
          dom.el('span', { class: 'choice-name', text: server.name }),
          dom.el('span', { class: 'choice-meta', text: `${server.host}:${server.port} · ${where}` })]));
      });
      $('server-list-box').hidden = servers.length === 0;
      dom.status('server-list-status', servers.length ? '' : 'No servers were found on this Plex account. Enter the server URL below.', '');
      if (!data.serverUrl && servers.length) {
        const first = list.querySelector('input[type="radio"]');
        first.checked = true;
        chooseServer(first);
      }
    } catch (error) {
      dom.status('server-list-status', dom.describe(error), 'error');
    }
  }

  function chooseServer(radio) {
    data.serverUrl = radio.value;
    data.serverName = radio.dataset.name || '';
    data.machineId = radio.dataset.machine || '';
    $('server-url').value = radio.value;
    loadLibraries();
  }

  async function loadLibraries() {
    const url = $('server-url').value.trim();
    if (!checkUrl('server-url', url)) return;
    data.serverUrl = url;
    dom.status('library-status', 'Loading libraries…', 'busy');
    try {
      const answer = await api.get(`/api/plex/libraries?url=${encodeURIComponent(url)}`);
      const grid = $('library-grid');
      grid.replaceChildren();
      for (const library of answer.libraries || []) {
        const id = `library-${library.id}`;
        const box = dom.el('input', { type: 'checkbox', id, value: library.id });
        box.checked = data.selectedLibraries.includes(String(library.id));
        grid.append(dom.el('label', { class: 'library', for: id }, [box,
          dom.el('span', { class: 'choice-name', text: library.name }),
          dom.el('span', { class: 'choice-meta', text: library.type })]));
      }
      $('library-box').hidden = false;
      dom.status('library-status', (answer.libraries || []).length ? '' : 'This server has no libraries yet.', '');
    } catch (error) {
      $('library-box').hidden = true;
      if (error.status === 400 && /url/i.test(error.message)) dom.fieldError('server-url', error.message);
      else dom.status('library-status', dom.describe(error), 'error');
    }
  }

  async function saveServer() {
    const url = $('server-url').value.trim();
    if (!checkUrl('server-url', url)) return false;
    data.serverUrl = url;
    data.selectedLibraries = Array.from($('library-grid').querySelectorAll('input:checked'), (box) => box.value);
    const settings = { plex_url: url, selected_libraries: data.selectedLibraries };
    if (data.serverName) settings.plex_name = data.serverName;
    await api.post('/api/settings', settings);
    return true;
  }

  // Step 3: paths.
  function checkPath(fieldId, value, required) {
    if (!value && !required) { dom.fieldError(fieldId, ''); return true; }
    if (!value.startsWith('/')) { dom.fieldError(fieldId, 'Enter an absolute path, starting with /.'); return false; }
    dom.fieldError(fieldId, '');
    return true;
  }

  async function savePaths() {
    const folder = $('config-folder').value.trim();
    const plexPath = $('map-plex').value.trim();
    const localPath = $('map-local').value.trim();
    let ok = checkPath('config-folder', folder, true);
    ok = checkPath('map-plex', plexPath, !!localPath) && ok;
    ok = checkPath('map-local', localPath, !!plexPath) && ok;
    if (!ok) return false;
    Object.assign(data, { configFolder: folder, mapPlex: plexPath, mapLocal: localPath });
    await api.post('/api/settings', {
      plex_config_folder: folder, plex_videos_path_mapping: plexPath, plex_local_videos_path_mapping: localPath,
    });
    return true;
  }

  window.setupWizard = { data, show, advance, globalError, saveProgress, checkUrl, loadLibraries, saveServer, savePaths };

  document.addEventListener('DOMContentLoaded', () => {
    $('plex-signin').addEventListener('click', startPin);
    $('manual-form').addEventListener('submit', verifyManual);
    $('load-libraries').addEventListener('click', loadLibraries);
    $('server-url').addEventListener('change', () => { data.serverUrl = $('server-url').value.trim(); });
    $('step1-next').addEventListener('click', () => advance(1));
    $('step2-next').addEventListener('click', () => advance(2, saveServer));
    $('step3-next').addEventListener('click', () => advance(3, savePaths));
    for (const back of document.querySelectorAll('button.back')) {
      back.addEventListener('click', () => show(Number(back.dataset.back), true));
    }
  });

  // Hooks used by setup-options.js for steps 4 and 5.
  window.setupWizard.state = {
    get signedIn() { return signedIn; }, set signedIn(value) { signedIn = value; },
    get optionsLoaded() { return optionsLoaded; }, set optionsLoaded(value) { optionsLoaded = value; },
    get currentToken() { return currentToken; }, set currentToken(value) { currentToken = value; },
    get chosenToken() { return chosenToken; }, set chosenToken(value) { chosenToken = value; },
  };
  function loadOptions() { window.setupOptions.load(); }
  function loadTokenInfo() { window.setupOptions.loadToken(); }
})();
