/** Accepting an invitation: its link's pages and the sign-in that accepts it (interactions/invitation-pages.ts). */
export const templates = {
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
};
