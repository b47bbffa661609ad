import type { Method } from '../config/methods.ts';

/**
 * One section per second step on the account page, `account-<method>`, included in registry order
 * for the methods the overview lists (`it.m` is the method's status). Their forms post to
 * `<path>/<method>/<action>` (functions/account/methods.ts).
 */
export const methodSections = {
  // Listing and removing work without script; adding one needs the browser's WebAuthn call, so its
  // form is hidden until the one script (layout.ts) finds passkey support and shows it.
  'account-passkey': `<h3><%= it.t.account.passkeyHeading %></h3>
<p id="passkey-status"><%= it.m.on ? it.t.account.passkeyOn : it.t.account.passkeyOff %></p>
<% if (it.m.items) { %><ul class="plain" id="passkeys"><% it.m.items.forEach(function (p) { %><li class="passkey">
<strong><%= p.name %></strong><% if (p.kind && p.kind !== p.name) { %> (<%= p.kind %>)<% } %><br>
<span class="sub"><%= it.fill(it.t.account.passkeyDates, { created: it.date(p.createdAt), used: p.lastUsedAt ? it.date(p.lastUsedAt) : it.t.account.passkeyNeverUsed }) %></span>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/passkey/remove" class="inline">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="ref" value="<%= p.ref %>">
<button type="submit" class="secondary remove-passkey"><%= it.fill(it.t.account.passkeyRemove, { name: p.name }) %></button>
</form><% } %></li><% }) %></ul><% } %>
<% if (it.recent && it.m.full) { %><p class="sub" id="passkey-limit"><%= it.t.account.passkeyLimit %></p>
<% } else if (it.recent) { %><form method="post" action="<%= it.path %>/passkey/register" id="passkey-register" data-options="<%= it.path %>/passkey/options" hidden>
<p><%= it.t.account.passkeyIntro %></p>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="response" value="">
<label for="passkey-name"><%= it.t.account.passkeyNameLabel %></label>
<input id="passkey-name" name="name" type="text" maxlength="60" autocomplete="off">
<button type="button" id="add-passkey"><%= it.t.account.passkeyAdd %></button>
</form>
<p class="sub" id="passkey-needs-script"><%= it.t.account.passkeyNeedsScript %></p><% } %>`,
  'account-totp': `<h3><%= it.t.account.totpHeading %></h3>
<% if (it.m.on) { %><p id="totp-status"><%= it.t.account.totpOn %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/remove">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="remove-totp"><%= it.t.account.totpRemove %></button>
</form><% } %>
<% } else { %><p id="totp-status"><%= it.t.account.totpOff %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/totp/start">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" id="add-totp"><%= it.t.account.totpAdd %></button>
</form><% } %>
<% } %>`,
  'account-email': `<h3><%= it.t.account.emailHeading %></h3>
<p id="email-status"><%= it.m.on ? it.t.account.emailOn : it.t.account.emailOff %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/email/switch">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="enabled" value="<%= it.m.on ? 'off' : 'on' %>">
<button type="submit" class="secondary" id="toggle-email"><%= it.m.on ? it.t.account.emailTurnOff : it.t.account.emailTurnOn %></button>
</form><% } %>`,
  'account-recovery': `<h3><%= it.t.account.recoveryHeading %></h3>
<p id="recovery-status"><%= it.fill(it.t.account.recoveryLeft, { count: it.m.left }) %></p>
<% if (it.recent) { %><form method="post" action="<%= it.path %>/recovery/new">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="new-recovery-codes"><%= it.t.account.recoveryNew %></button>
</form><% } %>`,
} satisfies Record<`account-${Method}`, string>;

/** The self-service account page (functions/account). */
export const templates = {
  account: `<h1><%= it.t.account.title %></h1>
<p class="sub"><%= it.name %><br><%= it.email %></p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<section id="factors">
<h2><%= it.t.account.factorsHeading %></h2>
<% if (!it.recent) { %><p><% for (const p of it.pieces(it.t.account.reauth, { link: it.t.account.reauthLink })) { %><% if (p.name) { %><a href="<%= it.path %>/signin" id="reauth"><%= p.text %></a><% } else { %><%= p.text %><% } %><% } %></p><% } %>
<% for (const m of it.methods) { %><%~ include('@account-' + m.method, { ...it, m }) %><% } %>
</section>
<section id="password">
<h2><%= it.t.account.passwordHeading %></h2>
<% if (it.problems) { %><div class="error" role="alert" id="password-problems"><ul>
<% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %>
</ul></div><% } %>
<form method="post" action="<%= it.path %>/password" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="current"><%= it.t.account.currentPassword %></label>
<input id="current" name="current" type="password" autocomplete="current-password" required<% if (it.problemField === 'current') { %> autofocus aria-invalid="true" aria-describedby="password-problems"<% } %>>
<label for="new-password"><%= it.t.common.newPassword %></label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="new-password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules<% if (it.problemField === 'new') { %> password-problems<% } %>"<% if (it.problemField === 'new') { %> autofocus aria-invalid="true"<% } %>>
<label for="confirm"><%= it.t.account.newPasswordAgain %></label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit" id="change-password"><%= it.t.account.changePassword %></button>
</form>
</section>
<%~ include('@account-activity', it) %>
<p class="alt"><a href="<%= it.logout %>"><%= it.t.account.signOut %></a></p>`,

  accountNotice: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p><a href="<%= it.link %>"><%= it.linkText %></a></p>`,
};
