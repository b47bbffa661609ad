/**
 * The account page's "where you are signed in" and "apps with access" sections
 * (functions/account/activity.ts). Each item's button names what it ends, for screen readers too.
 */
export const activitySections = {
  'account-activity': `<section id="sessions">
<h2><%= it.t.account.sessionsHeading %></h2>
<ul class="plain" id="session-list">
<% it.sessions.forEach(function (s, i) { %><li class="preview" id="session-<%= i %>">
<p><strong id="session-<%= i %>-name"><%= s.device %></strong><% if (s.current) { %> · <strong><%= it.t.account.thisBrowser %></strong><% } %></p>
<p class="sub"><%= s.line %><% if (s.apps.length) { %><br><%= s.appsLine %><% } %></p>
<form method="post" action="<%= it.path %>/sessions/end">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="session" value="<%= s.handle %>">
<button type="submit" class="secondary" aria-describedby="session-<%= i %>-name"><%= s.current ? it.t.account.endThisBrowser : it.t.account.endSession %></button>
</form>
</li><% }) %>
</ul>
<p><%= it.t.account.sessionsText %></p>
<form method="post" action="<%= it.path %>/everywhere">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary" id="sign-out-everywhere"><%= it.t.account.everywhere %></button>
</form>
</section>
<section id="apps">
<h2><%= it.t.account.appsHeading %></h2>
<% if (!it.apps.length) { %><p id="no-apps"><%= it.t.account.noApps %></p><% } else { %>
<ul class="plain" id="app-list">
<% it.apps.forEach(function (a, i) { %><li class="preview">
<p><strong id="app-<%= i %>-name"><%= a.name %></strong></p>
<p class="sub"><%= a.line %><% if (a.offline) { %> <%= it.t.account.appOffline %><% } %></p>
<form method="post" action="<%= it.path %>/apps/revoke">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="client" value="<%= a.clientId %>">
<button type="submit" class="secondary" aria-describedby="app-<%= i %>-name"><%= it.t.account.removeAccess %></button>
</form>
</li><% }) %>
</ul>
<% } %>
</section>`,
};
