/**
 * The account page's "where you are signed in" and "apps with access" sections
 * (functions/account/activity.ts). Each item's button names what it ends, for screen readers too.
 */
export const activitySections = {
  'account-activity': `<section id="sessions">
<h2>Where you are signed in</h2>
<ul class="plain" id="session-list">
<% it.sessions.forEach(function (s, i) { %><li class="preview" id="session-<%= i %>">
<p><strong id="session-<%= i %>-name"><%= s.device %></strong><% if (s.current) { %> · <strong>this browser</strong><% } %></p>
<p class="sub">Signed in <%= s.signedIn %> with <%= s.method %>; last active <%= s.seen %> from <%= s.where %>.<% if (s.apps.length) { %><br>Apps: <%= s.apps.join(', ') %><% } %></p>
<form method="post" action="<%= it.path %>/sessions/end">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="session" value="<%= s.handle %>">
<button type="submit" class="secondary" aria-describedby="session-<%= i %>-name"><%= s.current ? 'Sign out this browser' : 'Sign out this session' %></button>
</form>
</li><% }) %>
</ul>
<p>Signed in somewhere you no longer trust (a shared computer, a lost phone)? End every session of your account: every browser and app has to sign in again, this one too.</p>
<form method="post" action="<%= it.path %>/everywhere">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="sign-out-everywhere">Sign out everywhere</button>
</form>
</section>
<section id="apps">
<h2>Apps with access</h2>
<% if (!it.apps.length) { %><p id="no-apps">No app holds access to your account.</p><% } else { %>
<ul class="plain" id="app-list">
<% it.apps.forEach(function (a, i) { %><li class="preview">
<p><strong id="app-<%= i %>-name"><%= a.name %></strong></p>
<p class="sub">Allowed <%= a.granted %>.<% if (a.offline) { %> It can keep you signed in while you are away.<% } %></p>
<form method="post" action="<%= it.path %>/apps/revoke">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="client" value="<%= a.clientId %>">
<button type="submit" class="secondary" aria-describedby="app-<%= i %>-name">Remove access</button>
</form>
</li><% }) %>
</ul>
<% } %>
</section>`,
};
