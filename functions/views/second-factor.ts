import type { Method } from '../config/methods.ts';

/**
 * One form per second-step strategy, `method-<id>`: the page includes the ones the sign-in offers, in
 * the registry's order (domain/credentials/registry.ts). A new strategy brings its own form here.
 */
export const methodForms = {
  // The browser's WebAuthn call needs script: the button is inert without it (type="button", so no
  // empty answer is posted and counted as a wrong guess), and <noscript> points to the other methods.
  'method-passkey': `<form method="post" action="<%= it.action %>" id="passkey-form" data-options="<%= it.passkey %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="passkey">
<input type="hidden" name="code" id="passkey-response" value="">
<button type="button" id="passkey-button" autofocus><%= it.t.mfa.passkeyButton %></button>
</form>
<noscript><p><%= it.t.mfa.passkeyNeedsScript %></p></noscript>`,
  'method-totp': `<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="totp">
<label for="totp-code"><%= it.t.mfa.totpLabel %></label>
<input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit"><%= it.t.mfa.verify %></button>
</form>`,

  'method-email': `<% if (!it.sent) { %><form method="post" action="<%= it.send %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" id="send-email-code" autofocus><%= it.fill(it.t.mfa.sendCode, { email: it.email }) %></button>
</form><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="email">
<label for="email-code"><%= it.t.common.codeFromEmail %></label>
<input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required<% if (it.sent) { %> autofocus<% } %><% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit"<% if (!it.sent) { %> class="secondary"<% } %>><%= it.t.mfa.verifyEmail %></button>
</form>
<% if (it.sent) { %><form method="post" action="<%= it.send %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="send-email-code"><%= it.fill(it.t.mfa.resend, { email: it.email }) %></button>
</form><% } %>`,

  'method-recovery': `<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="recovery">
<label for="recovery-code"><%= it.t.mfa.recoveryLabel %></label>
<input id="recovery-code" name="code" type="text" autocomplete="off" maxlength="20" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit"><%= it.t.mfa.useRecovery %></button>
</form>`,
} satisfies Record<`method-${Method}`, string>;

/** The second step of a sign-in: the code forms, authenticator enrolment, the too-weak page and recovery codes (also shown by the account page). */
export const templates = {
  mfa: `<h1><%= it.t.mfa.title %></h1>
<% if (it.clientName) { %><p class="sub"><%~ include('@rich', { parts: it.pieces(it.t.common.continueTo, { client: it.clientName }) }) %></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<% for (const method of it.methods) { %><%~ include('@method-' + method, it) %><% } %>
<% if (it.others.length) { %><section class="alt" aria-labelledby="other-methods">
<h2 id="other-methods"><%= it.t.mfa.others %></h2>
<ul class="plain"><% it.others.forEach(function (o) { %><li><% if (o.method === 'email') { %><form method="post" action="<%= it.send %>" class="inline">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="link" id="send-email-code"><%= it.fill(it.t.mfa.emailOther, { email: it.email }) %></button>
</form><% } else { %><a href="<%= o.href %>" id="use-<%= o.method %>"><%= o.label %></a><% } %></li><% }) %></ul>
</section><% } %>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.common.cancelToApp %></button>
</form>`,

  mfaEnrol: `<h1><%= it.t.enrol.title %></h1>
<% if (it.clientName) { %><p class="sub"><%~ include('@rich', { parts: it.pieces(it.t.enrol.requires, { client: it.clientName }) }) %></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<p><%= it.t.enrol.scan %></p>
<p class="qr"><img src="<%= it.qr %>" alt="<%= it.t.enrol.qrAlt %>" width="220" height="220"></p>
<p><%= it.t.enrol.manual %> <code id="totp-secret"><%= it.secret %></code></p>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="enrol-code"><%= it.t.enrol.codeLabel %></label>
<input id="enrol-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit"><%= it.t.enrol.confirm %></button>
</form>
<% if (it.abort) { %><form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.common.cancel %></button>
</form><% } %>
<% if (it.back) { %><p class="alt"><a href="<%= it.back %>"><%= it.t.common.cancel %></a></p><% } %>`,

  mfaTooWeak: `<h1><%= it.passkey ? it.t.tooWeak.passkeyTitle : it.t.tooWeak.title %></h1>
<p><% if (it.clientName) { %><%~ include('@rich', { parts: it.pieces(it.passkey ? it.t.tooWeak.passkeyTextApp : it.t.tooWeak.textApp, { client: it.clientName }) }) %><% } else { %><%= it.passkey ? it.t.tooWeak.passkeyText : it.t.tooWeak.text %><% } %></p>
<p><a href="<%= it.account %>"><%= it.t.common.goToAccount %></a></p>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.common.cancelToApp %></button>
</form>`,

  recoveryCodes: `<h1><%= it.t.recoveryCodes.title %></h1>
<p><%= it.t.recoveryCodes.intro %></p>
<ul class="codes" id="recovery-codes" data-copy="<%= it.t.recoveryCodes.copy %>" data-copied="<%= it.t.recoveryCodes.copied %>">
<% it.codes.forEach(function (c) { %><li><code><%= c %></code></li><% }) %>
</ul>
<p><a id="download-recovery-codes" download="sesame-recovery-codes.txt" href="data:text/plain;charset=utf-8,<%= encodeURIComponent([it.t.recoveryCodes.fileHeading, ...it.codes, ''].join(String.fromCharCode(10))) %>"><%= it.t.recoveryCodes.download %></a></p>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit"><%= it.t.recoveryCodes.saved %></button>
</form>`,
};
