/** The first step of a sign-in: the password form and third-party consent. */
export const templates = {
  login: `<h1>Sign in</h1>
<% if (it.clientName) { %><p class="sub">to continue to <strong><%= it.clientName %></strong></p><% } %>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status" id="form-notice"><%= it.notice %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required<% if (!it.error) { %> autofocus<% } %> value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required<% if (it.error) { %> autofocus aria-describedby="form-error" aria-invalid="true"<% } %>>
<label class="check"><input type="checkbox" name="remember" value="yes"> Keep me signed in on this device</label>
<button type="submit">Sign in</button>
</form>
<p class="alt"><a href="<%= it.forgot %>" id="forgot-password">Forgot your password?</a></p>
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

  forgotPassword: `<h1>Reset your password</h1>
<p>Enter the e-mail address of your account. Sesame sends a code to it.</p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="<%= it.email %>"<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit" id="send-reset-code">Send a code</button>
</form>
<p class="alt"><a href="<%= it.back %>">Back to signing in</a></p>`,

  resetCode: `<h1>Enter the code</h1>
<p>If an account uses <strong><%= it.email %></strong>, a code is on its way to it (the e-mail says so either way). It is valid for 30 minutes.</p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="reset-code">Code from the e-mail</label>
<input id="reset-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus<% if (it.error) { %> aria-describedby="form-error" aria-invalid="true"<% } %>>
<button type="submit" id="check-reset-code">Continue</button>
</form>
<p class="alt"><a href="<%= it.again %>">Send a new code</a> · <a href="<%= it.back %>">Back to signing in</a></p>`,

  resetPassword: `<h1>Choose a new password</h1>
<% if (it.problems) { %><ul class="error" id="form-error">
<% it.problems.forEach(function (p) { %><li><%= p %></li><% }) %>
</ul><% } %>
<form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="new-password">New password</label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="new-password" name="password" type="password" autocomplete="new-password" required autofocus aria-describedby="password-rules<% if (it.problems) { %> form-error<% } %>"<% if (it.problems) { %> aria-invalid="true"<% } %>>
<label for="password2">The same password again</label>
<input id="password2" name="password2" type="password" autocomplete="new-password" required>
<% if (it.needsFactor) { %><p>Your account is protected by an authenticator app: confirm it is you with a code from it, or with a recovery code.</p>
<label for="factor-method">With</label>
<select id="factor-method" name="method"><option value="totp">the authenticator app</option><option value="recovery">a recovery code</option></select>
<label for="factor-code">Code</label>
<input id="factor-code" name="factorCode" type="text" autocomplete="one-time-code" maxlength="20" required><% } %>
<button type="submit" id="set-new-password">Set the new password</button>
</form>
<p class="sub">Every session of your account is signed out afterwards.</p>`,

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

  acceptInvitation: `<h1>Join <%= it.tenantName %></h1>
<p>You are invited to <strong><%= it.tenantName %></strong><% if (it.appName) { %>, to use <strong><%= it.appName %></strong><% if (it.roles.length) { %> as <%= it.roles.join(', ') %><% } %><% } %>.</p>
<% if (it.error) { %><p class="error" role="alert" id="form-error"><%= it.error %></p><% } %>
<% if (it.connections.length) { %><p><%= it.federationOnly ? 'Join with your organisation’s sign-in' : 'Join with your organisation’s sign-in, or with a Sesame password below' %> (as <strong><%= it.email %></strong>):</p>
<% for (const c of it.connections) { %><form method="post" action="<%= it.federate %>/<%= c.id %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="federate-<%= c.id %>">Join with <%= c.name %></button>
</form><% } %><% } %>
<% if (it.federationOnly) { %><% if (!it.connections.length) { %><p>This organisation signs in through its own identity provider, which is not available right now. Ask whoever invited you.</p><% } %>
<% } else { %><form method="post" action="<%= it.action %>" novalidate>
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<% if (it.hasAccount) { %><p>You have an account with <strong><%= it.email %></strong>: sign in to it to accept.</p>
<label for="password">Password of <%= it.email %></label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus<% if (it.error) { %> aria-describedby="form-error"<% } %>>
<button type="submit">Sign in and accept</button>
<% } else { %><p>Create your account for <strong><%= it.email %></strong>.</p>
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name" required autofocus maxlength="200" value="<%= it.name %>">
<label for="password">Choose a password</label>
<p class="sub" id="password-rules"><%= it.rules %></p>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-rules<% if (it.error) { %> form-error<% } %>">
<label for="password2">The same password again</label>
<input id="password2" name="password2" type="password" autocomplete="new-password" required>
<button type="submit">Create account and accept</button>
<% } %></form><% } %>
<form method="post" action="<%= it.action %>" class="alt">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="skip" value="yes">
<button type="submit" class="secondary">Sign in with another account instead</button>
</form>`,

  invitationGone: `<h1>This invitation cannot be used</h1>
<p>The link has expired, was used already, or was withdrawn. Ask whoever invited you to send a new one.</p>`,

  invitationOtherAccount: `<h1>You are signed in with another account</h1>
<p>This invitation is for another address than the account signed in on this browser.
<a href="<%= it.logout %>">Sign out</a>, then open the link from the e-mail again.</p>`,

  consent: `<h1>Allow access?</h1>
<% if (it.signedInAs) { %><p class="sub" id="signed-in-as">Signed in as <strong><%= it.signedInAs %></strong> · <a href="<%= it.logout %>">Not you?</a></p><% } %>
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
