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
