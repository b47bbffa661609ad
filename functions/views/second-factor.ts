import type { Method } from '../config/methods.ts';

/**
 * One form per second-step strategy, `method-<id>`: the page includes the ones the sign-in offers, in
 * the registry's order (domain/credentials/registry.ts). A new strategy brings its own form here.
 */
export const methodForms = {
  'method-totp': `<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="totp">
<label for="totp-code">Code from your authenticator app</label>
<input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit">Verify</button>
</form>`,

  'method-email': `<% if (!it.sent) { %><form method="post" action="<%= it.send %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" id="send-email-code" autofocus>Send a code to <%= it.email %></button>
</form><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="email">
<label for="email-code">Code from the e-mail</label>
<input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required<% if (it.sent) { %> autofocus<% } %><% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit"<% if (!it.sent) { %> class="secondary"<% } %>>Verify e-mail code</button>
</form>
<% if (it.sent) { %><form method="post" action="<%= it.send %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="send-email-code">Send a new code to <%= it.email %></button>
</form><% } %>`,

  'method-recovery': `<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="method" value="recovery">
<label for="recovery-code">Recovery code</label>
<input id="recovery-code" name="code" type="text" autocomplete="off" maxlength="20" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit">Use recovery code</button>
</form>`,
} satisfies Record<`method-${Method}`, string>;

/** The second step of a sign-in: the code forms, authenticator enrolment, the too-weak page and recovery codes (also shown by the account page). */
export const templates = {
  mfa: `<h1>Two-step verification</h1>
<% if (it.clientName) { %><p class="sub">to continue to <strong><%= it.clientName %></strong></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<% for (const method of it.methods) { %><%~ include('@method-' + method, it) %><% } %>
<% if (it.others.length) { %><section class="alt" aria-labelledby="other-methods">
<h2 id="other-methods">Use another method</h2>
<ul class="plain"><% it.others.forEach(function (o) { %><li><% if (o.method === 'email') { %><form method="post" action="<%= it.send %>" class="inline">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="link" id="send-email-code">Get a code by e-mail (to <%= it.email %>)</button>
</form><% } else { %><a href="<%= o.href %>" id="use-<%= o.method %>"><%= o.label %></a><% } %></li><% }) %></ul>
</section><% } %>
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
<p><a id="download-recovery-codes" download="sesame-recovery-codes.txt" href="data:text/plain;charset=utf-8,<%= encodeURIComponent(['Sesame recovery codes (each works once)', ...it.codes, ''].join(String.fromCharCode(10))) %>">Download them as a text file</a></p>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit">I have saved them, continue</button>
</form>`,
};
