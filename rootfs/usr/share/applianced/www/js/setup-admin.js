// Wizard step 6: the administrator account, by username and password (POST /api/auth/admin) or by the
// Plex account that owns the server (the Plex PIN: /api/v1/auth/plex/pin, then /verify until approved).
// Either one signs this browser in (session cookies), so the dashboard opens without the token.
'use strict';

(() => {
  const { $ } = dom;
  const USERNAME = /^[A-Za-z0-9._-]{3,32}$/;
  let signedIn = false;

  /** The step is done: an admin exists (made here, or before). */
  function done(message) {
    $('admin-choices').hidden = true;
    dom.status('admin-done', message, 'ok');
    $('complete-setup').disabled = false;
  }

  async function enter() {
    if (signedIn) return;
    $('complete-setup').disabled = true;
    try {
      const status = await api.get('/api/setup/status');
      if (status.admin_exists) done('An administrator account exists already. Sign in with it on the dashboard.');
      else $('admin-choices').hidden = false;
    } catch (error) {
      window.setupWizard.globalError(dom.describe(error));
    }
  }

  function adminCreated(user) {
    signedIn = true;
    done(`Signed in as ${user.username}, the administrator.`);
  }

  async function createAdmin(event) {
    event.preventDefault();
    const username = $('admin-username').value.trim();
    const password = $('admin-password').value;
    const confirm = $('admin-confirm').value;
    for (const id of ['admin-username', 'admin-password', 'admin-confirm']) dom.fieldError(id, '');
    dom.status('admin-status', '', '');
    if (!USERNAME.test(username)) {
      dom.fieldError('admin-username', 'Use 3 to 32 letters, digits, “.”, “_” or “-”.');
      return;
    }
    if (password.length < 8) { dom.fieldError('admin-password', 'The password must be at least 8 characters long.'); return; }
    if (password !== confirm) { dom.fieldError('admin-confirm', 'The passwords do not match.'); return; }
    $('create-admin').disabled = true;
    try {
      const answer = await api.post('/api/auth/admin', { username, password, rememberMe: false });
      $('admin-password').value = '';
      $('admin-confirm').value = '';
      adminCreated(answer.data.user);
    } catch (error) {
      if (error.code === 'ADMIN_EXISTS') done('An administrator account exists already. Sign in with it on the dashboard.');
      else if (error.detail === 'username' || error.status === 409) dom.fieldError('admin-username', error.message);
      else if (error.detail === 'password') dom.fieldError('admin-password', error.message);
      else dom.status('admin-status', dom.describe(error), 'error');
    } finally {
      $('create-admin').disabled = false;
    }
  }

  function startPin() {
    const ui = { status: 'admin-plex-status', linkRow: 'admin-pin-link-row', link: 'admin-pin-link', button: 'admin-plex' };
    window.plexSignIn.run(ui, async (session) => {
      if (session.user.role === 'admin') { adminCreated(session.user); return; }
      // Signed in, but not as the server's owner: end that session so the form above still works.
      try { await api.post('/api/v1/auth/logout'); } catch (error) { /* the session ends with its cookies anyway */ }
      dom.status('admin-plex-status',
        `The Plex account ${session.user.username} does not own this Plex server, so it cannot be the administrator. `
        + 'Use the owner’s Plex account, or create an account above.', 'error');
    });
  }

  window.setupAdmin = { enter, get signedIn() { return signedIn; } };

  document.addEventListener('DOMContentLoaded', () => {
    $('admin-form').addEventListener('submit', createAdmin);
    $('admin-plex').addEventListener('click', startPin);
  });
})();
