/** The first step of a sign-in: the password form and third-party consent. */
export const templates = {
  login: `<h1>Sign in</h1>
<% if (it.clientName) { %><p class="sub">to continue to <strong><%= it.clientName %></strong></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label class="check"><input type="checkbox" name="remember" value="yes"> Keep me signed in on this device</label>
<button type="submit">Sign in</button>
</form>
<% if (it.connections && it.connections.length) { %><section class="alt" aria-labelledby="federation-heading">
<h2 id="federation-heading">Or use your organisation’s account</h2>
<% for (const c of it.connections) { %><form method="post" action="<%= it.federate %>/<%= c.id %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="federate-<%= c.id %>">Sign in with <%= c.name %></button>
</form><% } %>
</section><% } %>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel and return to the application</button>
</form>`,

  linkAccount: `<h1>Connect your <%= it.connectionName %> sign-in</h1>
<p>You already have an account at this sign-in service with the address <strong><%= it.email %></strong>.
To let the <%= it.connectionName %> account <strong><%= it.upstreamAccount %></strong> sign you in to it from
now on, sign in to that account once more. Do this only if that is your own account.</p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="password">Password of <%= it.email %></label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit">Sign in and connect</button>
</form>
<p class="sub">If this is not your account, or you have forgotten its password, cancel; nothing is connected.</p>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Cancel and return to the application</button>
</form>`,

  consent: `<h1>Allow access?</h1>
<p><strong><%= it.clientName %></strong> asks to:</p>
<ul>
<% it.scopes.forEach(function (s) { %><li><%= s %></li><% }) %>
</ul>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit">Allow</button>
</form>
<form method="post" action="<%= it.abort %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Deny</button>
</form>`,
};
