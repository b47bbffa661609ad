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

export type View = 'login' | 'consent' | 'error' | 'logout' | 'loggedOut';

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
`;
