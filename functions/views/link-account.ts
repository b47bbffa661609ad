/** Linking an upstream identity to an existing account by its password (interactions/link.ts). */
export const templates = {
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
};
