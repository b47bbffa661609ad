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
</form><% } %>
<% if (it.back) { %><p class="alt"><a href="<%= it.back %>">Cancel</a></p><% } %>`,

  mfaTooWeak: `<h1>Set up an authenticator app first</h1>
<p><% if (it.clientName) { %><strong><%= it.clientName %></strong><% } else { %>This application<% } %> needs a sign-in with an authenticator app, and your account has none yet. Set up an authenticator on your account first, then sign in to the application again.</p>
<p><a href="<%= it.account %>">Go to your account</a></p>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel and return to the application</button>
</form>`,

  recoveryCodes: `<h1>Your recovery codes</h1>
<p>Each code signs you in once if you lose your authenticator. Keep them somewhere safe: they are shown only now.</p>
<ul class="codes" id="recovery-codes">
<% it.codes.forEach(function (c) { %><li><code><%= c %></code></li><% }) %>
</ul>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit">I have saved them, continue</button>
</form>`,

  account: `<h1>Your account</h1>
<p class="sub"><%= it.name %><br><%= it.email %></p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<section id="factors">
<h2>Two-step verification</h2>
<% if (!it.recent) { %><p>To change how you sign in, first <a href="<%= it.path %>/signin" id="reauth">confirm it is you</a>.</p><% } %>
<% if (it.factors.offered.includes('totp')) { %>
<h3>Authenticator app</h3>
<% if (it.factors.totp) { %><p id="totp-status">Set up.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/remove">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="remove-totp">Remove the authenticator app</button>
</form><% } %>
<% } else { %><p id="totp-status">Not set up.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/start">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" id="add-totp">Set up an authenticator app</button>
</form><% } %>
<% } %>
<% } %>
<% if (it.factors.offered.includes('email')) { %>
<h3>Codes by e-mail</h3>
<p id="email-status"><%= it.factors.emailCodes ? 'On.' : 'Off.' %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/email-codes">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="enabled" value="<%= it.factors.emailCodes ? 'off' : 'on' %>">
<button type="submit" class="secondary" id="toggle-email"><%= it.factors.emailCodes ? 'Turn off codes by e-mail' : 'Turn on codes by e-mail' %></button>
</form><% } %>
<% } %>
<% if (it.hasFactor) { %>
<h3>Recovery codes</h3>
<p id="recovery-status"><%= it.factors.recoveryCodesLeft %> unused.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/recovery-codes">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="new-recovery-codes">Make new recovery codes</button>
</form><% } %>
<% } %>
</section>
<section id="password">
<h2>Password</h2>
<% if (it.problems) { %><ul class="error" role="alert" id="password-problems">
<% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %>
</ul><% } %>
<form method="post" action="<%= it.path %>/password" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="new-password">New password</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit" id="change-password">Change password</button>
</form>
</section>
<p class="alt"><a href="<%= it.logout %>">Sign out</a></p>`,

  accountNotice: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p><a href="<%= it.link %>"><%= it.linkText %></a></p>`,

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
  | 'accountNotice'
  | 'mfaTooWeak';

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
h2{font-size:1.2rem;margin:1rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}ul.error{padding-left:1.5rem}
`;
