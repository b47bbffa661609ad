import type { Method } from '../config/methods.ts';

/**
 * One section per second step on the account page, `account-<method>`, included in registry order
 * for the methods the overview lists (`it.m` is the method's status). Their forms post to
 * `<path>/<method>/<action>` (functions/account/methods.ts).
 */
export const methodSections = {
  'account-totp': `<h3>Authenticator app</h3>
<% if (it.m.on) { %><p id="totp-status">Set up.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/remove">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="remove-totp">Remove the authenticator app</button>
</form><% } %>
<% } else { %><p id="totp-status">Not set up.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/start">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" id="add-totp">Set up an authenticator app</button>
</form><% } %>
<% } %>`,
  'account-email': `<h3>Codes by e-mail</h3>
<p id="email-status"><%= it.m.on ? 'On.' : 'Off.' %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/email/switch">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="enabled" value="<%= it.m.on ? 'off' : 'on' %>">
<button type="submit" class="secondary" id="toggle-email"><%= it.m.on ? 'Turn off codes by e-mail' : 'Turn on codes by e-mail' %></button>
</form><% } %>`,
  'account-recovery': `<h3>Recovery codes</h3>
<p id="recovery-status"><%= it.m.left %> unused.</p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/recovery/new">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="new-recovery-codes">Make new recovery codes</button>
</form><% } %>`,
} satisfies Record<`account-${Method}`, string>;

/** The self-service account page (functions/account). */
export const templates = {
  account: `<h1>Your account</h1>
<p class="sub"><%= it.name %><br><%= it.email %></p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<section id="factors">
<h2>Two-step verification</h2>
<% if (!it.recent) { %><p>To change how you sign in, first <a href="<%= it.path %>/signin" id="reauth">confirm it is you</a>.</p><% } %>
<% for (const m of it.methods) { %><%~ include('@account-' + m.method, { ...it, m }) %><% } %>
</section>
<section id="password">
<h2>Password</h2>
<% if (it.problems) { %><div class="error" role="alert" id="password-problems"><ul>
<% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %>
</ul></div><% } %>
<form method="post" action="<%= it.path %>/password" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="new-password">New password</label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules<% if (it.problems) { %> password-problems<% } %>"<% if (it.problems) { %> aria-invalid="true"<% } %>>
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit" id="change-password">Change password</button>
</form>
</section>
<%~ include('@account-activity', it) %>
<p class="alt"><a href="<%= it.logout %>">Sign out</a></p>`,

  accountNotice: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p><a href="<%= it.link %>"><%= it.linkText %></a></p>`,
};
