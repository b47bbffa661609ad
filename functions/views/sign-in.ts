/** The first step of a sign-in: the password form and third-party consent. */
export const templates = {
  login: `<h1><%= it.t.login.title %></h1>
<% if (it.clientName) { %><p class="sub"><%~ include('@rich', { parts: it.pieces(it.t.common.continueTo, { client: it.clientName }) }) %></p><% } %>
<% if (it.signedInAs) { %><p class="sub" id="signed-in-as"><%~ include('@rich', { parts: it.pieces(it.t.consent.signedInAs, { email: it.signedInAs }) }) %> · <a href="<%= it.logout %>"><%= it.t.consent.notYou %></a></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status" id="form-notice"><%= it.notice %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email"><%= it.t.common.email %></label>
<input id="email" name="email" type="email" autocomplete="<%= it.passkey ? 'username webauthn' : 'username' %>" required<% if (!it.error) { %> autofocus<% } %> value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<label for="password"><%= it.t.common.password %></label>
<input id="password" name="password" type="password" autocomplete="current-password" required<% if (it.error) { %> autofocus aria-describedby="form-error" aria-invalid="true"<% } %>>
<label class="check"><input type="checkbox" name="remember" value="yes"> <%= it.t.login.remember %></label>
<button type="submit"><%= it.t.login.submit %></button>
</form>
<% if (it.passkey) { %><form method="post" action="<%= it.passkey %>" id="passkey-login" data-options="<%= it.passkeyOptions %>" hidden>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="response" value="">
<input type="hidden" name="remember" value="">
<button type="button" class="secondary" id="passkey-login-button"><%= it.t.login.passkey %></button>
</form><% } %>
<p class="alt"><a href="<%= it.forgot %>" id="forgot-password"><%= it.t.login.forgot %></a></p>
<% if (it.connections && it.connections.length) { %><section class="alt" aria-labelledby="federation-heading">
<h2 id="federation-heading"><%= it.t.login.federationHeading %></h2>
<% for (const c of it.connections) { %><form method="post" action="<%= it.federate %>/<%= c.id %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="federate-<%= c.id %>"><%= it.fill(it.t.login.federate, { connection: c.name }) %></button>
</form><% } %>
</section><% } %>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.common.cancelToApp %></button>
</form>`,

  forgotPassword: `<h1><%= it.t.forgot.title %></h1>
<p><%= it.t.forgot.intro %></p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email"><%= it.t.common.email %></label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit" id="send-reset-code"><%= it.t.forgot.send %></button>
</form>
<p class="alt"><a href="<%= it.back %>"><%= it.t.forgot.back %></a></p>`,

  resetCode: `<h1><%= it.t.resetCode.title %></h1>
<p><%~ include('@rich', { parts: it.pieces(it.t.resetCode.sent, { email: it.email }) }) %></p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="reset-code"><%= it.t.common.codeFromEmail %></label>
<input id="reset-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit" id="check-reset-code"><%= it.t.resetCode.submit %></button>
</form>
<p class="alt"><a href="<%= it.again %>"><%= it.t.resetCode.again %></a> · <a href="<%= it.back %>"><%= it.t.forgot.back %></a></p>`,

  resetPassword: `<h1><%= it.t.resetPassword.title %></h1>
<% if (it.problems) { %><ul class="error" id="form-error">
<% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %>
</ul><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="new-password"><%= it.t.common.newPassword %></label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="new-password" name="password" type="password" autocomplete="new-password" required autofocus aria-describedby="password-rules<% if (it.problems) { %> form-error<% } %>"<% if (it.problems) { %> aria-invalid="true"<% } %>>
<label for="password2"><%= it.t.common.samePasswordAgain %></label>
<input id="password2" name="password2" type="password" autocomplete="new-password" required>
<% if (it.needsFactor) { %><p><%= it.t.resetPassword.factorIntro %></p>
<label for="factor-method"><%= it.t.resetPassword.factorWith %></label>
<select id="factor-method" name="method"><option value="totp"><%= it.t.resetPassword.factorTotp %></option><option value="recovery"><%= it.t.resetPassword.factorRecovery %></option></select>
<label for="factor-code"><%= it.t.resetPassword.factorCode %></label>
<input id="factor-code" name="factorCode" type="text" autocomplete="one-time-code" maxlength="20" required><% } %>
<button type="submit" id="set-new-password"><%= it.t.resetPassword.submit %></button>
</form>
<p class="sub"><%= it.t.resetPassword.after %></p>`,

  linkAccount: `<h1><%= it.fill(it.t.link.heading, { connection: it.connectionName }) %></h1>
<p><%~ include('@rich', { parts: it.pieces(it.t.link.existing, { email: it.email }) }) %>
<%~ include('@rich', { parts: it.pieces(it.t.link.ask, { connection: it.connectionName, account: it.upstreamAccount }) }) %></p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="password"><%= it.fill(it.t.common.passwordOf, { email: it.email }) %></label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit"><%= it.t.link.submit %></button>
</form>
<p class="sub"><%= it.t.link.notYours %></p>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.common.cancelToApp %></button>
</form>`,

  acceptInvitation: `<h1><%= it.fill(it.t.invitation.title, { tenant: it.tenantName }) %></h1>
<p><%~ include('@rich', { parts: it.pieces(it.appName ? (it.roles.length ? it.t.invitation.invitedRoles : it.t.invitation.invitedApp) : it.t.invitation.invited, { tenant: it.tenantName, app: it.appName || '', roles: it.roles.join(', ') }) }) %></p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.connections.length) { %><p><%~ include('@rich', { parts: it.pieces(it.federationOnly ? it.t.invitation.joinFederated : it.t.invitation.joinEither, { email: it.email }) }) %></p>
<% for (const c of it.connections) { %><form method="post" action="<%= it.federate %>/<%= c.id %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="federate-<%= c.id %>"><%= it.fill(it.t.invitation.joinWith, { connection: c.name }) %></button>
</form><% } %><% } %>
<% if (it.federationOnly) { %><% if (!it.connections.length) { %><p><%= it.t.invitation.unavailable %></p><% } %>
<% } else { %><form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<% if (it.hasAccount) { %><p><%~ include('@rich', { parts: it.pieces(it.t.invitation.hasAccount, { email: it.email }) }) %></p>
<label for="password"><%= it.fill(it.t.common.passwordOf, { email: it.email }) %></label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit"><%= it.t.invitation.signInAccept %></button>
<% } else { %><p><%~ include('@rich', { parts: it.pieces(it.t.invitation.create, { email: it.email }) }) %></p>
<label for="name"><%= it.t.invitation.name %></label>
<input id="name" name="name" type="text" autocomplete="name" required autofocus maxlength="200" value="<%= it.name %>">
<label for="password"><%= it.t.invitation.choosePassword %></label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules<% if (it.error) { %> form-error<% } %>">
<label for="password2"><%= it.t.common.samePasswordAgain %></label>
<input id="password2" name="password2" type="password" autocomplete="new-password" required>
<button type="submit"><%= it.t.invitation.createAccept %></button>
<% } %></form><% } %>
<form method="post" action="<%= it.action %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="skip" value="yes">
<button type="submit" class="secondary"><%= it.t.invitation.otherAccount %></button>
</form>`,

  invitationGone: `<h1><%= it.t.invitation.goneHeading %></h1>
<p><%= it.t.invitation.goneText %></p>`,

  invitationOtherAccount: `<h1><%= it.t.invitation.otherHeading %></h1>
<p><%= it.t.invitation.otherText %></p>
<p><a href="<%= it.logout %>"><%= it.t.invitation.signOut %></a></p>`,

  consent: `<h1><%= it.t.consent.heading %></h1>
<% if (it.signedInAs) { %><p class="sub" id="signed-in-as"><%~ include('@rich', { parts: it.pieces(it.t.consent.signedInAs, { email: it.signedInAs }) }) %> · <a href="<%= it.logout %>"><%= it.t.consent.notYou %></a></p><% } %>
<p><%~ include('@rich', { parts: it.pieces(it.t.consent.asks, { client: it.clientName }) }) %></p>
<ul>
<% it.scopes.forEach(function (s) { %><li><%= s %></li><% }) %>
</ul>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit"><%= it.t.consent.allow %></button>
</form>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary"><%= it.t.consent.deny %></button>
</form>`,
};
