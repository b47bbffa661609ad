import { Eta } from 'eta/core';

/**
 * Server-rendered pages. Eta escapes every `<%= %>` interpolation (autoEscape), so user-supplied text
 * such as a display name renders as text. Pages need no JavaScript; the only stylesheet is served
 * from /static so the CSP can forbid inline code.
 */
const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });

const templates: Record<string, string> = {
  layout: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · Sesame</title>
<link rel="stylesheet" href="<%= it.base %>/static/sesame.css">
</head>
<body>
<main class="card">
<p class="brand">Sesame</p>
<%~ it.body %>
</main>
</body>
</html>`,

  login: `<h1>Sign in</h1>
<% if (it.clientName) { %><p class="sub">to continue to <strong><%= it.clientName %></strong></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label class="check"><input type="checkbox" name="remember" value="yes"> Keep me signed in on this device</label>
<button type="submit">Sign in</button>
</form>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel and return to the application</button>
</form>`,

  consent: `<h1>Allow access?</h1>
<p><strong><%= it.clientName %></strong> asks to:</p>
<ul>
<% it.scopes.forEach(function (s) { %><li><%= s %></li><% }) %>
</ul>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit">Allow</button>
</form>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Deny</button>
</form>`,

  mfa: `<h1>Two-step verification</h1>
<% if (it.clientName) { %><p class="sub">to continue to <strong><%= it.clientName %></strong></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<% if (it.methods.includes('totp')) { %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="totp">
<label for="totp-code">Code from your authenticator app</label>
<input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit">Verify</button>
</form>
<% } %>
<% if (it.methods.includes('email')) { %>
<form method="post" action="<%= it.send %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="send-email-code">Send a code to <%= it.email %></button>
</form>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="email">
<label for="email-code">Code from the e-mail</label>
<input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<button type="submit">Verify e-mail code</button>
</form>
<% } %>
<% if (it.methods.includes('recovery')) { %>
<details class="alt"><summary>Use a recovery code</summary>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="recovery">
<label for="recovery-code">Recovery code</label>
<input id="recovery-code" name="code" type="text" autocomplete="off" maxlength="20" required>
<button type="submit">Use recovery code</button>
</form>
</details>
<% } %>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel and return to the application</button>
</form>`,

  mfaEnrol: `<h1>Set up two-step verification</h1>
<% if (it.clientName) { %><p class="sub"><strong><%= it.clientName %></strong> requires a second step when you sign in.</p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<p>Scan this code with an authenticator app (for example Google Authenticator, Microsoft Authenticator or 1Password).</p>
<p class="qr"><img src="<%= it.qr %>" alt="QR code for your authenticator app" width="220" height="220"></p>
<p>Or enter this key by hand: <code id="totp-secret"><%= it.secret %></code></p>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="enrol-code">The 6-digit code the app shows</label>
<input id="enrol-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit">Confirm</button>
</form>
<% if (it.abort) { %><form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel</button>
</form><% } %>`,

  recoveryCodes: `<h1>Your recovery codes</h1>
<p>Each code signs you in once if you lose your authenticator. Keep them somewhere safe: they are shown only now.</p>
<ul class="codes" id="recovery-codes">
<% it.codes.forEach(function (c) { %><li><code><%= c %></code></li><% }) %>
</ul>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit">I have saved them, continue</button>
</form>`,

  error: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<% if (it.code) { %><p class="code">Error code: <code><%= it.code %></code></p><% } %>`,

  logout: `<h1>Sign out?</h1>
<p>Do you want to sign out of Sesame<% if (it.clientName) { %> and <strong><%= it.clientName %></strong><% } %>?</p>
<%~ it.form %>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,

  loggedOut: `<h1>Signed out</h1>
<p>You have been signed out<% if (it.clientName) { %> of <strong><%= it.clientName %></strong><% } %>. You can close this window.</p>`,
};

for (const [name, text] of Object.entries(templates)) eta.loadTemplate(`@${name}`, text);

export type View =
  | 'login'
  | 'consent'
  | 'error'
  | 'logout'
  | 'loggedOut'
  | 'mfa'
  | 'mfaEnrol'
  | 'recoveryCodes'
  | 'account'
  | 'accountNotice';

export function renderPage(view: View, title: string, base: string, data: Record<string, unknown>): string {
  const body = eta.render(`@${view}`, { ...data, base });
  return eta.render('@layout', { title, base, body });
}

export const stylesheet = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111}
.card{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.brand{margin:0 0 1rem;font-weight:700;letter-spacing:.05em;color:#4338ca}h1{margin:.25rem 0 1rem;font-size:1.5rem}
label{display:block;margin-top:1rem;font-weight:600}label.check{font-weight:400}
input[type=email],input[type=password],input[type=text]{width:100%;padding:.6rem;margin-top:.25rem;border:1px solid #9ca3af;border-radius:.25rem;font:inherit}
input:focus,button:focus,a:focus{outline:3px solid #6366f1;outline-offset:2px}
button{display:block;width:100%;margin-top:1.25rem;padding:.7rem;border:0;border-radius:.25rem;background:#4338ca;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111}.error{padding:.6rem;border-radius:.25rem;background:#fee2e2;color:#991b1b}
.alt{margin-top:1.5rem;text-align:center}.sub{color:#374151}code{background:#f3f4f6;padding:0 .25rem}
.notice{padding:.6rem;border-radius:.25rem;background:#dcfce7;color:#14532d}.qr{text-align:center}
.codes{columns:2;font-size:1.1rem}section{margin-top:1.5rem;border-top:1px solid #e5e7eb}
`;
