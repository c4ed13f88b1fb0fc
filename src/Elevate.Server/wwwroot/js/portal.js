// Elevate portal behaviour. Loaded as a file (the Content-Security-Policy allows no inline script); every feature
// is driven by data- attributes so pages stay plain HTML.
(function () {
  'use strict';

  // Setup links carry the one-time secret after '#', which browsers never send to the server; copy it into the form
  // and drop it from the address bar and history.
  document.querySelectorAll('[data-from-fragment]').forEach(function (input) {
    if (location.hash.length > 1 && !input.value) {
      input.value = decodeURIComponent(location.hash.slice(1));
      history.replaceState(null, '', location.pathname + location.search);
    }
  });

  // Destructive actions ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
  });

  // Live "time left" next to each end time.
  var countdowns = document.querySelectorAll('[data-countdown]');
  function tick() {
    var now = Date.now();
    countdowns.forEach(function (el) {
      var left = Math.max(0, Date.parse(el.getAttribute('datetime')) - now);
      var h = Math.floor(left / 3600000), m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
      el.textContent = left === 0 ? 'ended' : (h > 0 ? h + ' h ' : '') + m + ' min ' + s + ' s left';
    });
  }
  if (countdowns.length > 0) { tick(); setInterval(tick, 1000); }

  // WebAuthn: fetch options from the page's handler (posting the form, antiforgery token included), run the
  // ceremony, put the answer into the form's hidden fields and submit the form.
  function fromB64u(value) {
    var base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) { base64 += '='; }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }
  function toB64u(buffer) {
    var bytes = new Uint8Array(buffer), binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function clean(value) {
    if (Array.isArray(value)) { return value.map(clean); }
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (key) { if (value[key] !== null) { out[key] = clean(value[key]); } });
      return out;
    }
    return value;
  }
  function descriptors(list) {
    return (list || []).map(function (d) { var copy = clean(d); copy.id = fromB64u(d.id); return copy; });
  }
  function serialize(credential) {
    var r = credential.response, response = { clientDataJSON: toB64u(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64u(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64u(r.authenticatorData);
      response.signature = toB64u(r.signature);
      if (r.userHandle) { response.userHandle = toB64u(r.userHandle); }
    }
    return JSON.stringify({
      id: credential.id, rawId: toB64u(credential.rawId), type: credential.type, response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    });
  }

  document.querySelectorAll('[data-webauthn]').forEach(function (button) {
    button.addEventListener('click', async function () {
      var form = button.closest('form');
      var status = form.querySelector('[data-webauthn-status]');
      var say = function (text) { if (status) { status.textContent = text; } };
      if (!window.PublicKeyCredential) { say('This browser does not support passkeys.'); return; }
      if (!form.reportValidity()) { return; }
      button.disabled = true;
      try {
        say('Waiting for your passkey or security key…');
        var handler = button.getAttribute('data-options-handler');
        var reply = await fetch(location.pathname + '?handler=' + encodeURIComponent(handler), {
          method: 'POST', body: new FormData(form), credentials: 'same-origin'
        });
        var body = await reply.json().catch(function () { return {}; });
        if (!reply.ok) { throw new Error(body.error || 'Elevate could not start the passkey check.'); }
        var options = clean(body.options), credential;
        options.challenge = fromB64u(body.options.challenge);
        if (button.getAttribute('data-webauthn') === 'create') {
          options.user.id = fromB64u(body.options.user.id);
          options.excludeCredentials = descriptors(body.options.excludeCredentials);
          credential = await navigator.credentials.create({ publicKey: options });
        } else {
          options.allowCredentials = descriptors(body.options.allowCredentials);
          credential = await navigator.credentials.get({ publicKey: options });
        }
        form.querySelector('[data-webauthn-challenge]').value = body.challengeId;
        form.querySelector('[data-webauthn-credential]').value = serialize(credential);
        say('Checking…');
        form.submit();
      } catch (error) {
        say(error && error.name === 'NotAllowedError' ? 'The passkey check was canceled or timed out.' : (error.message || String(error)));
        button.disabled = false;
      }
    });
  });
})();

// My roles: forms marked data-dry-run ask the page's Check handler what the core would say about them (the dry run,
// nothing created) while they are filled in and before they are sent, and show the problems next to their fields.
// The server checks again on submit, so without script the forms work the same, only later.
(function () {
  'use strict';

  document.querySelectorAll('form[data-dry-run]').forEach(function (form) {
    var status = form.querySelector('[data-dry-run-status]');
    var initial = status ? status.textContent : '';
    var timer = null, latest = 0;

    function show(result) {
      form.querySelectorAll('[data-problem-for]').forEach(function (slot) { slot.textContent = ''; });
      var lines = [];
      (result.problems || []).forEach(function (problem) {
        var slot = problem.field ? form.querySelector('[data-problem-for="' + problem.field + '"]') : null;
        if (slot) {
          slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + problem.message;
        } else {
          lines.push(problem.message);
        }
      });
      (result.notes || []).forEach(function (note) { lines.push(note); });
      if (status) { status.textContent = lines.length > 0 ? lines.join(' ') : initial; }
    }

    function check() {
      var mine = ++latest;
      var url = location.pathname + '?handler=Check&check=' + encodeURIComponent(form.getAttribute('data-dry-run'));
      return fetch(url, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .then(function (result) {
          if (result && mine === latest) { show(result); }
          return result;
        })
        .catch(function () { return null; });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    }

    form.addEventListener('change', later);
    form.addEventListener('focusout', later);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearTimeout(timer);
      var button = event.submitter;
      if (button) { button.disabled = true; }
      check().then(function (result) {
        if (button) { button.disabled = false; }
        if (result && !result.accepted) {
          var first = (result.problems || []).map(function (p) { return p.field && form.querySelector('[name="' + p.field + '"]'); })
            .filter(function (field) { return field && field.type !== 'hidden'; })[0];
          if (first) {
            var closed = first.closest('details');
            if (closed) { closed.open = true; }
            first.focus();
          }
          return;
        }
        // Could not ask, or nothing is wrong: send the form; the server decides.
        form.submit();
      });
    });
  });
})();
