/** The page frame every page renders into, and the one stylesheet (served from /static, so the CSP can forbid inline code). */
export const templates = {
  layout: `<!doctype html>
<html lang="<%= it.locale %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · Sesame</title>
<link rel="stylesheet" href="<%= it.base %>/static/sesame.css">
<script src="<%= it.base %>/static/sesame.js" defer></script>
<% if (it.brand && it.brand.accent) { %><link rel="stylesheet" href="<%= it.base %>/static/<%= it.brand.css %>?v=<%= it.brand.accent.slice(1) %>"><% } %>
</head>
<body data-show-password="<%= it.t.layout.showPassword %>" data-hide-password="<%= it.t.layout.hidePassword %>">
<main class="card<%= it.wide ? ' wide' : '' %>">
<% if (it.brand) { %><p class="brand" id="brand"><% if (it.brand.logoUrl) { %><img src="<%= it.brand.logoUrl %>" alt="" class="logo"> <% } %><%= it.brand.name %></p>
<% } else { %><p class="brand">Sesame</p><% } %>
<%~ it.body %>
</main>
</body>
</html>`,

  /**
   * A catalogue sentence whose filled-in values are bold: `parts` from `pieces` (functions/i18n), each
   * piece escaped like any other text.
   */
  rich: `<% for (const p of it.parts) { %><% if (p.name) { %><strong><%= p.text %></strong><% } else { %><%= p.text %><% } %><% } %>`,
};

/**
 * The one script, progressive enhancement only (every page works without it): a "Show password"
 * button after each password field, labelled in the page's language (the layout's data attributes).
 * Served from /static like the stylesheet, so the CSP keeps `script-src 'self'` and no inline script.
 */
export const script = `document.querySelectorAll('input[type=password]').forEach(function (input) {
  var show = document.body.dataset.showPassword || 'Show password';
  var hide = document.body.dataset.hidePassword || 'Hide password';
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'link reveal';
  button.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-controls', input.id);
  button.textContent = show;
  button.addEventListener('click', function () {
    var shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    button.setAttribute('aria-pressed', String(shown));
    button.textContent = shown ? hide : show;
  });
  input.insertAdjacentElement('afterend', button);
});
// "Copy the codes" beside a list of codes, where the browser lets a page write to the clipboard.
document.querySelectorAll('[data-copy]').forEach(function (list) {
  if (!navigator.clipboard) return;
  var button = document.createElement('button');
  var status = document.createElement('p');
  button.type = 'button';
  button.className = 'secondary';
  button.id = list.id + '-copy';
  button.textContent = list.dataset.copy;
  status.setAttribute('role', 'status');
  button.addEventListener('click', function () {
    var codes = Array.prototype.map.call(list.querySelectorAll('code'), function (c) { return c.textContent; });
    navigator.clipboard.writeText(codes.join('\\n') + '\\n').then(function () {
      status.textContent = list.dataset.copied;
    });
  });
  list.insertAdjacentElement('afterend', status);
  list.insertAdjacentElement('afterend', button);
});
// Passkeys (WebAuthn): "Add a passkey" on the account page, and the passkey button of a sign-in. The
// options come from Sesame (a POST with the form's CSRF token), the browser's answer goes back in the
// form's hidden field as JSON. Without script or passkey support nothing here runs: the add form stays
// hidden, the sign-in button inert, and every other way in works as before.
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  function bytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, function (c) { return c.charCodeAt(0); });
  }
  function text(buffer) {
    var bin = String.fromCharCode.apply(null, Array.from(new Uint8Array(buffer)));
    return btoa(bin).replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
  }
  function ids(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: bytes(c.id) }); });
  }
  function options(url, form) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf=' + encodeURIComponent(form.elements.csrf.value),
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('options')); });
  }
  function answer(credential, response) {
    return JSON.stringify({
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response,
    });
  }
  function assertion(c) {
    var r = c.response;
    return answer(c, {
      clientDataJSON: text(r.clientDataJSON),
      authenticatorData: text(r.authenticatorData),
      signature: text(r.signature),
      userHandle: r.userHandle ? text(r.userHandle) : undefined,
    });
  }
  var add = document.getElementById('passkey-register');
  if (add) {
    add.hidden = false;
    var hint = document.getElementById('passkey-needs-script');
    if (hint) hint.hidden = true;
    document.getElementById('add-passkey').addEventListener('click', function (event) {
      event.currentTarget.disabled = true;
      options(add.dataset.options, add).then(function (o) {
        o.challenge = bytes(o.challenge);
        o.user.id = bytes(o.user.id);
        o.excludeCredentials = ids(o.excludeCredentials);
        return navigator.credentials.create({ publicKey: o });
      }).then(function (c) {
        var r = c.response;
        add.elements.response.value = answer(c, {
          clientDataJSON: text(r.clientDataJSON),
          attestationObject: text(r.attestationObject),
          transports: r.getTransports ? r.getTransports() : [],
        });
        add.submit();
      }).catch(function () {
        document.getElementById('add-passkey').disabled = false;
      });
    });
  }
  var use = document.getElementById('passkey-button');
  var signIn = document.getElementById('passkey-form');
  if (use && signIn) {
    use.addEventListener('click', function () {
      use.disabled = true;
      options(signIn.dataset.options, signIn).then(function (o) {
        o.challenge = bytes(o.challenge);
        o.allowCredentials = ids(o.allowCredentials);
        return navigator.credentials.get({ publicKey: o });
      }).then(function (c) {
        signIn.elements.code.value = assertion(c);
        signIn.submit();
      }).catch(function () {
        use.disabled = false;
      });
    });
  }
  // A passkey as the whole sign-in: the options (a challenge sealed to this sign-in) come with the
  // page, so the browser can offer passkeys in the e-mail field's autofill as soon as it opens
  // (conditional mediation), and the button asks at once. One request at a time: the button's ends
  // the autofill's, and a cancelled one gives the autofill back.
  var first = document.getElementById('passkey-login');
  if (first) {
    var firstButton = document.getElementById('passkey-login-button');
    var asking = null;
    var ask = function (mediation) {
      if (asking) asking.abort();
      var controller = new AbortController();
      asking = controller;
      var o = JSON.parse(first.dataset.options);
      o.challenge = bytes(o.challenge);
      o.allowCredentials = ids(o.allowCredentials);
      var request = { publicKey: o, signal: controller.signal };
      if (mediation) request.mediation = mediation;
      return navigator.credentials.get(request).then(function (c) {
        if (!c || asking !== controller) return;
        first.elements.response.value = assertion(c);
        var keep = document.querySelector('input[type=checkbox][name=remember]');
        first.elements.remember.value = keep && keep.checked ? 'yes' : '';
        first.submit();
      });
    };
    var autofill = function () {
      if (!PublicKeyCredential.isConditionalMediationAvailable) return;
      PublicKeyCredential.isConditionalMediationAvailable().then(function (yes) {
        if (yes) return ask('conditional');
      }).catch(function () {});
    };
    first.hidden = false;
    firstButton.addEventListener('click', function () {
      firstButton.disabled = true;
      ask().catch(function () {
        firstButton.disabled = false;
        autofill();
      });
    });
    autofill();
  }
})();
`;

export const stylesheet = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111}
.card{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.brand{margin:0 0 1rem;font-weight:700;letter-spacing:.05em;color:#4338ca}h1{margin:.25rem 0 1rem;font-size:1.5rem}
label{display:block;margin-top:1rem;font-weight:600}label.check{font-weight:400}
input[type=email],input[type=password],input[type=text],select{width:100%;padding:.6rem;margin-top:.25rem;border:1px solid #6b7280;border-radius:.25rem;font:inherit}
input:focus-visible,button:focus-visible,a:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #4338ca;outline-offset:2px}
#totp-secret{overflow-wrap:anywhere}
button{display:block;width:100%;margin-top:1.25rem;padding:.7rem;border:1px solid transparent;border-radius:.25rem;background:#4338ca;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111}.error{padding:.6rem;border-radius:.25rem;background:#fee2e2;color:#991b1b}
.alt{margin-top:1.5rem;text-align:center}.sub{color:#374151}code{background:#f3f4f6;padding:0 .25rem}
.notice{padding:.6rem;border-radius:.25rem;background:#dcfce7;color:#14532d}.qr{text-align:center}
.codes{columns:2;font-size:1.1rem}section{margin-top:1.5rem;border-top:1px solid #e5e7eb}
h2{font-size:1.2rem;margin:1rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}ul.error{padding-left:1.5rem}
.card.wide{max-width:64rem}table{width:100%;border-collapse:collapse;margin-top:1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
ul.nav{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:0 0 1rem}a[aria-current=page]{font-weight:700}
form.inline{display:inline}form.inline button{display:inline-block;width:auto;margin:.25rem .5rem .25rem 0;padding:.3rem .6rem}
.actions{margin-top:.5rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0 0 .5rem}
fieldset{margin-top:1rem;border:1px solid #e5e7eb}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
img.logo{max-height:3rem}ul.plain{list-style:none;padding:0}button.link{background:none;color:#4338ca;text-decoration:underline;padding:0;margin:0;width:auto;display:inline;font-weight:400}button.reveal{display:block;margin-top:.25rem}.preview{padding:1rem;border:1px solid #e5e7eb;border-radius:.25rem}
@media (prefers-color-scheme:dark){:root{color-scheme:dark}body{background:#111827;color:#f3f4f6}
.card{background:#1f2937;box-shadow:none;border:1px solid #4b5563}.brand,a,button.link{color:#c7d2fe}.sub{color:#d1d5db}
input[type=email],input[type=password],input[type=text],select{background:#111827;color:#f3f4f6;border-color:#9ca3af}
input:focus-visible,button:focus-visible,a:focus-visible,select:focus-visible,summary:focus-visible{outline-color:#c7d2fe}
code{background:#374151}section,th,td,.preview,fieldset{border-color:#4b5563}}
`;
