/** Pages of every flow: errors, and the sign-out confirmation and result (oidc-provider renders those two through functions/oidc/pages.ts). */
export const templates = {
  error: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<% if (it.code) { %><p class="code"><%= it.t.error.code %> <code><%= it.code %></code></p><% } %>
<p class="alt"><a href="<%= it.base %>/account"><%= it.t.error.toAccount %></a></p>`,

  home: `<h1><%= it.t.home.heading %></h1>
<p><%= it.t.home.text %></p>
<p><a href="<%= it.base %>/account" id="to-account"><%= it.t.home.link %></a></p>`,

  logout: `<h1><%= it.t.logout.heading %></h1>
<% if (it.signedInAs) { %><p class="sub" id="signed-in-as"><%~ include('@rich', { parts: it.pieces(it.t.consent.signedInAs, { email: it.signedInAs }) }) %></p><% } %>
<p><% if (it.clientName) { %><%~ include('@rich', { parts: it.pieces(it.t.logout.questionApp, { client: it.clientName }) }) %><% } else { %><%= it.t.logout.question %><% } %></p>
<%~ it.form %>
<button type="submit" form="op.logoutForm" name="logout" value="yes"><%= it.t.logout.yes %></button>
<button type="submit" form="op.logoutForm" class="secondary"><%= it.t.logout.no %></button>`,

  loggedOut: `<h1><%= it.t.loggedOut.heading %></h1>
<p><% if (it.clientName) { %><%~ include('@rich', { parts: it.pieces(it.t.loggedOut.textApp, { client: it.clientName }) }) %><% } else { %><%= it.t.loggedOut.text %><% } %></p>
<p class="alt"><a href="<%= it.base %>/account"><%= it.t.loggedOut.link %></a></p>`,
};
