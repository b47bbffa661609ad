/** "Forgot your password?": the address, the e-mailed code, the new password (interactions/password-reset.ts). */
export const templates = {
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
};
