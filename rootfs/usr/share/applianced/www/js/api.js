// Shared helpers for the wizard and the dashboard: JSON calls to the appliance API and small DOM helpers.
'use strict';

const TOKEN_KEY = 'applianced.token';
// The readable cookie of a browser session; state-changing calls echo it in X-CSRF-Token.
const CSRF_COOKIE = 'applianced_csrf';

function cookieValue(name) {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return '';
}

/** An API failure: the HTTP status and the error shape's message, code and detail. */
class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `Request failed (${status})`);
    this.status = status;
    this.code = body && body.code;
    this.detail = body && body.detail;
    this.body = body || {};
  }
}

const api = {
  token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  },
  setToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage disabled: the token is asked for again */ }
  },
  /** Calls the API; resolves with the JSON body, rejects with ApiError (or a network error). */
  async call(method, path, body) {
    const headers = { Accept: 'application/json' };
    const token = api.token();
    if (token) headers['X-Auth-Token'] = token;
    const csrf = cookieValue(CSRF_COOKIE);
    if (csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
    const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (e) {
      throw new ApiError(0, { error: 'The appliance did not answer. Check the network and try again.' });
    }
    let json = null;
    const text = await response.text();
    if (text) {
      try { json = JSON.parse(text); } catch (e) { json = null; }
    }
    if (!response.ok || (json && json.success === false)) throw new ApiError(response.status, json);
    return json || {};
  },
  get(path) { return api.call('GET', path); },
  post(path, body) { return api.call('POST', path, body === undefined ? {} : body); },
  put(path, body) { return api.call('PUT', path, body); },
  patch(path, body) { return api.call('PATCH', path, body); },
  del(path) { return api.call('DELETE', path); },
  /** A same-origin WebSocket URL; the tab's access token rides in ?token= (a browser session uses its cookie). */
  wsURL(path) {
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (api.token()) url.searchParams.set('token', api.token());
    return url.href;
  },
};

const dom = {
  $(id) { return document.getElementById(id); },
  /** Shows a message under a field and marks the field invalid; an empty message clears it. */
  fieldError(fieldId, message) {
    const input = dom.$(fieldId);
    const slot = dom.$(`${fieldId}-error`);
    if (slot) {
      slot.textContent = message || '';
      slot.hidden = !message;
    }
    if (input) {
      if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
  },
  /** Sets a status line; kind is '', 'ok', 'error' or 'busy'. */
  status(id, message, kind) {
    const el = dom.$(id);
    if (!el) return;
    el.textContent = message || '';
    el.className = `status${kind ? ' ' + kind : ''}`;
  },
  el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (value === true) node.setAttribute(key, '');
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, String(value));
    }
    for (const child of children || []) node.append(child);
    return node;
  },
  describe(error) {
    if (!error) return '';
    return error.detail ? `${error.message} (${error.detail})` : error.message;
  },
};

window.api = api;
window.dom = dom;
window.ApiError = ApiError;
