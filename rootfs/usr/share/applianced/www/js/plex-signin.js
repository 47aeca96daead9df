// Signing in with a Plex account (001's PIN flow): POST /api/v1/auth/plex/pin, open the approval page,
// then POST /api/v1/auth/plex/verify every 2 s until plex.tv says the person approved (the appliance
// answers 400 PIN_NOT_AUTHORIZED until then). Used by the wizard's account step and the dashboard.
'use strict';

(() => {
  const POLL_MS = 2000;
  const POLL_LIMIT = 300; // ten minutes

  /**
   * Runs one sign-in. `ui` holds the ids of the status line (`status`), the link row and link to the
   * approval page (`linkRow`, `link`) and the button that started it (`button`); `done(session)` gets
   * 001's session body ({user, token, rememberToken, csrfToken}) once the appliance signed the person in.
   */
  async function run(ui, done) {
    const { $ } = dom;
    let timer = null;
    const stop = (message, kind) => {
      clearTimeout(timer);
      $(ui.linkRow).hidden = true;
      $(ui.button).disabled = false;
      dom.status(ui.status, message, kind);
    };
    $(ui.button).disabled = true;
    dom.status(ui.status, 'Asking plex.tv for a sign-in code…', 'busy');
    let pin;
    try {
      pin = (await api.post('/api/v1/auth/plex/pin', { clientName: 'applianced' })).data;
    } catch (error) {
      stop(dom.describe(error), 'error');
      return;
    }
    $(ui.link).href = pin.qrUrl;
    $(ui.linkRow).hidden = false;
    window.open(pin.qrUrl, '_blank', 'noopener');
    dom.status(ui.status, `Approve the code ${pin.code} in the Plex window. Waiting for Plex…`, 'busy');
    const poll = (count) => {
      if (count >= POLL_LIMIT) { stop('Sign-in timed out. Try again.', 'error'); return; }
      timer = setTimeout(async () => {
        let session;
        try {
          session = (await api.post('/api/v1/auth/plex/verify', { pinId: pin.id, rememberMe: false })).data;
        } catch (error) {
          if (error.code === 'PIN_NOT_AUTHORIZED') { poll(count + 1); return; }
          stop(dom.describe(error), 'error');
          return;
        }
        stop('', '');
        done(session);
      }, POLL_MS);
    };
    poll(0);
  }

  window.plexSignIn = { run };
})();
