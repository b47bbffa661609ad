/** Pages of every flow: errors, and the sign-out confirmation and result (oidc-provider renders those two through functions/oidc/pages.ts). */
export const templates = {
  error: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<% if (it.code) { %><p class="code">Error code: <code><%= it.code %></code></p><% } %>
<p class="alt"><a href="<%= it.base %>/account">Go to your Sesame account</a></p>`,

  home: `<h1>Sesame sign-in service</h1>
<p>Applications send you here to sign in. To see or change how you sign in — your password, your
authenticator app, your recovery codes — go to your account.</p>
<p><a href="<%= it.base %>/account" id="to-account">Your account</a></p>`,

  logout: `<h1>Sign out?</h1>
<p>Do you want to sign out of Sesame<% if (it.clientName) { %> and <strong><%= it.clientName %></strong><% } %>?</p>
<%~ it.form %>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,

  loggedOut: `<h1>Signed out</h1>
<p>You have been signed out<% if (it.clientName) { %> of <strong><%= it.clientName %></strong><% } %>. You can close this window.</p>
<p class="alt"><a href="<%= it.base %>/account">Sign in to your Sesame account</a></p>`,
};
