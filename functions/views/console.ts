/**
 * The admin console's pages (functions/console). Every page starts with `console-top`: who is
 * signed in, the tenant shown, the navigation, and the outcome of the last action. Forms post with
 * the page's CSRF token; nothing needs JavaScript.
 */
const csrf = `<input type="hidden" name="csrf" value="<%= it.csrf %>">`;
const tenantField = `<input type="hidden" name="tenant" value="<%= it.tenant %>">`;

/** A button that posts one action (and nothing else) to `action`. */
const actionButton = (action: string, label: string, id: string, secondary = true) =>
  `<form method="post" action="${action}" class="inline">${csrf}${tenantField}<button type="submit"${secondary ? ' class="secondary"' : ''} id="${id}">${label}</button></form>`;

export const partials = {
  'console-top': `<nav aria-label="Administration"><ul class="nav">
<% it.nav.forEach(function (n) { %><li><a href="<%= n.href %>"<% if (n.current) { %> aria-current="page"<% } %>><%= n.label %></a></li><% }) %>
<li><a href="<%= it.logout %>">Sign out</a></li>
</ul></nav>
<p class="sub">Signed in as <strong><%= it.me %></strong> (<%= it.role %>)<% if (it.tenantName) { %> · tenant <strong id="tenant-name"><%= it.tenantName %></strong><% } %></p>
<% if (it.error) { %><p class="error" role="alert" id="console-error"><%= it.error %></p><% } %>
<% if (it.notice) { %><p class="notice" role="status" id="console-notice"><%= it.notice %></p><% } %>`,
};

export const templates = {
  consoleUsers: `<h1>Users</h1>
<%~ include('@console-top', it) %>
<form method="get" action="<%= it.path %>/users" class="row" role="search">
${tenantField}
<label for="email">E-mail starts with</label>
<input id="email" name="email" type="text" value="<%= it.email %>" autocomplete="off">
<button type="submit" id="search">Search</button>
</form>
<table id="users"><caption>Users of the tenant, in e-mail order</caption>
<thead><tr><th scope="col">E-mail</th><th scope="col">Name</th><th scope="col">Status</th></tr></thead>
<tbody>
<% it.users.forEach(function (u) { %><tr><td><a href="<%= it.path %>/users/<%= u.id %>"><%= u.email %></a></td><td><%= u.name %></td><td><%= u.status %></td></tr><% }) %>
<% if (it.users.length === 0) { %><tr><td colspan="3">Nobody found.</td></tr><% } %>
</tbody></table>
<% if (it.next) { %><p><a href="<%= it.next %>" id="next-page">Next page</a></p><% } %>`,

  consoleUser: `<h1><%= it.user.email %></h1>
<%~ include('@console-top', it) %>
<dl class="facts">
<dt>Name</dt><dd><%= it.user.name || '—' %></dd>
<dt>Status</dt><dd id="user-status"><%= it.status %></dd>
<dt>Administrator</dt><dd id="user-admin"><%= it.user.admin || 'no' %></dd>
<dt>Second factors</dt><dd id="user-factors"><%= it.factors %></dd>
<dt>Sessions</dt><dd><%= it.sessions %></dd>
</dl>
<h2>Roles</h2>
<table id="roles"><caption>Roles by app, and where each came from</caption>
<thead><tr><th scope="col">App</th><th scope="col">Role</th><th scope="col">Source</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
<% it.roles.forEach(function (r) { %><tr><td><%= r.clientId %></td><td><%= r.role %></td><td><%= r.source %></td><td>
<form method="post" action="<%= it.userPath %>/revoke" class="inline">${csrf}${tenantField}<input type="hidden" name="client" value="<%= r.clientId %>"><input type="hidden" name="role" value="<%= r.role %>"><button type="submit" class="secondary">Revoke <%= r.role %></button></form>
</td></tr><% }) %>
<% if (it.roles.length === 0) { %><tr><td colspan="4">No roles.</td></tr><% } %>
</tbody></table>
<% if (it.grantable.length) { %><form method="post" action="<%= it.userPath %>/grant">${csrf}${tenantField}
<label for="grant-role">Grant a role</label>
<select id="grant-role" name="grant">
<% it.grantable.forEach(function (g) { %><option value="<%= g.clientId %> <%= g.role %>"><%= g.clientId %>: <%= g.role %></option><% }) %>
</select>
<button type="submit" id="grant">Grant</button>
</form><% } %>
<h2>Actions</h2>
<div class="actions">
<% if (it.user.disabled) { %>${actionButton('<%= it.userPath %>/enable', 'Enable', 'enable', false)}<% } else { %>${actionButton('<%= it.userPath %>/disable', 'Disable (ends their sessions)', 'disable')}<% } %>
${actionButton('<%= it.userPath %>/reset-mfa', 'Reset second factors', 'reset-mfa')}
<% if (it.user.admin === 'tenant') { %>${actionButton('<%= it.userPath %>/remove-admin', 'Remove tenant administrator', 'remove-admin')}<% } else if (!it.user.admin) { %>${actionButton('<%= it.userPath %>/make-admin', 'Make tenant administrator', 'make-admin')}<% } %>
</div>
<form method="post" action="<%= it.userPath %>/password" novalidate>${csrf}${tenantField}
<label for="new-password">Set a new password (lifts a lock, ends their sessions)</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required>
<button type="submit" class="secondary" id="set-password">Set password</button>
</form>
<p><a href="<%= it.auditLink %>">Audit events of this user</a></p>`,

  consoleInvitations: `<h1>Invitations</h1>
<%~ include('@console-top', it) %>
<form method="post" action="<%= it.path %>/invitations" novalidate>${csrf}${tenantField}
<label for="invite-email">E-mail address to invite</label>
<input id="invite-email" name="email" type="email" autocomplete="off" required>
<label for="invite-app">App</label>
<select id="invite-app" name="client"><option value="">(no app: tenant only)</option>
<% it.apps.forEach(function (a) { %><option value="<%= a.clientId %>"><%= a.name %></option><% }) %>
</select>
<fieldset><legend>Roles in that app</legend>
<% it.roleChoices.forEach(function (r, i) { %><label class="check"><input type="checkbox" name="roles" value="<%= r %>" id="role-<%= i %>"> <%= r %></label><% }) %>
</fieldset>
<button type="submit" id="send-invitation">Send invitation</button>
</form>
<% if (it.canList) { %><table id="invitations"><caption>Invitations of the tenant</caption>
<thead><tr><th scope="col">E-mail</th><th scope="col">App and roles</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
<% it.invitations.forEach(function (i) { %><tr><td><%= i.email %></td><td><%= i.clientId || '—' %> <%= i.roles.join(', ') %></td><td><%= i.status %></td><td><%= i.expires %></td><td>
<% if (i.status === 'pending') { %>${actionButton('<%= it.path %>/invitations/<%= i.id %>/resend', 'Resend', 'resend-<%= i.id %>')}${actionButton('<%= it.path %>/invitations/<%= i.id %>/revoke', 'Revoke', 'revoke-<%= i.id %>')}<% } %>
</td></tr><% }) %>
<% if (it.invitations.length === 0) { %><tr><td colspan="5">No invitations yet.</td></tr><% } %>
</tbody></table><% } %>`,

  consoleTenant: `<h1>Tenant</h1>
<%~ include('@console-top', it) %>
<h2>Branding</h2>
<div class="preview" id="branding-preview">
<% if (it.branding.logoUrl) { %><img src="<%= it.branding.logoUrl %>" alt="" class="logo"><% } %>
<p class="brand-name"><%= it.branding.displayName || it.tenantName %></p>
<% if (it.branding.accent) { %><p>Accent colour <code><%= it.branding.accent %></code></p><% } %>
</div>
<form method="post" action="<%= it.path %>/tenant/branding" novalidate>${csrf}${tenantField}
<label for="display-name">Display name</label>
<input id="display-name" name="displayName" type="text" value="<%= it.branding.displayName || '' %>">
<% const kept = (it.branding.logoUrl || '').startsWith('data:'); %>
<label for="logo-url">Logo (https URL)</label>
<% if (kept) { %><p class="sub" id="logo-kept">An image is kept with the tenant (set with <code>tenant update --logo</code>). Leave this empty to keep it, or tick below to remove it.</p>
<input type="hidden" name="keepLogo" value="yes">
<label class="check"><input type="checkbox" name="removeLogo" value="yes" id="remove-logo"> Remove the logo image</label><% } %>
<input id="logo-url" name="logoUrl" type="text" value="<%= kept ? '' : it.branding.logoUrl || '' %>"<% if (kept) { %> aria-describedby="logo-kept"<% } %>>
<label for="accent">Accent colour (#rrggbb)</label>
<input id="accent" name="accent" type="text" value="<%= it.branding.accent || '' %>">
<button type="submit" id="save-branding">Save branding</button>
</form>
<h2>Domains</h2>
<table id="domains"><caption>E-mail domains of the tenant</caption>
<thead><tr><th scope="col">Domain</th><th scope="col">Proved</th><th scope="col">DNS TXT record to publish</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody><% it.domains.forEach(function (d) { %><tr><td><%= d.domain %></td><td><%= d.verified ? 'yes' : 'no' %></td><td><code><%= d.txt.name %></code> <code><%= d.txt.value %></code></td><td>
<% if (!d.verified) { %><form method="post" action="<%= it.path %>/tenant/verify" class="inline">${csrf}${tenantField}<input type="hidden" name="domain" value="<%= d.domain %>"><button type="submit" class="secondary">Check the DNS for <%= d.domain %></button></form><% } %>
</td></tr><% }) %>
<% if (it.domains.length === 0) { %><tr><td colspan="4">None.</td></tr><% } %></tbody></table>
<form method="post" action="<%= it.path %>/tenant/domain" novalidate>${csrf}${tenantField}
<label for="domain">Claim a domain</label>
<input id="domain" name="domain" type="text" autocomplete="off">
<button type="submit" class="secondary" id="add-domain">Claim</button>
</form>
<h2>Entitlements</h2>
<table id="entitlements"><caption>Roles the tenant's users may be given, by app</caption>
<thead><tr><th scope="col">App</th><th scope="col">Roles</th></tr></thead>
<tbody><% it.entitlements.forEach(function (e) { %><tr><td><%= e.clientId %></td><td><%= e.roles.join(', ') %></td></tr><% }) %>
<% if (it.entitlements.length === 0) { %><tr><td colspan="2">None.</td></tr><% } %></tbody></table>
<% if (it.global) { %><form method="post" action="<%= it.path %>/tenant/entitle" novalidate>${csrf}${tenantField}
<label for="entitle-app">App</label>
<select id="entitle-app" name="client"><% it.apps.forEach(function (a) { %><option value="<%= a.clientId %>"><%= a.clientId %> (<%= a.roles.join(', ') %>)</option><% }) %></select>
<label for="entitle-roles">Roles, comma-separated (empty: none)</label>
<input id="entitle-roles" name="roleNames" type="text" autocomplete="off">
<button type="submit" class="secondary" id="entitle">Set entitlement</button>
</form><% } %>
<h2>Administrators</h2>
<ul id="admins"><% it.admins.forEach(function (a) { %><li><a href="<%= it.path %>/users/<%= a.id %>"><%= a.email %></a> (<%= a.admin %>)</li><% }) %>
<% if (it.admins.length === 0) { %><li>None.</li><% } %></ul>
<h2>Connections</h2>
<ul><% it.connections.forEach(function (c) { %><li><%= c %></li><% }) %><% if (it.connections.length === 0) { %><li>None.</li><% } %></ul>`,

  consoleTenants: `<h1>Tenants</h1>
<%~ include('@console-top', it) %>
<table id="tenants"><caption>Every tenant</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Name</th></tr></thead>
<tbody><% it.tenants.forEach(function (t) { %><tr><td><a href="<%= it.path %>/users?tenant=<%= t.id %>"><%= t.id %></a></td><td><%= t.name %></td></tr><% }) %></tbody></table>
<form method="post" action="<%= it.path %>/tenants" novalidate>${csrf}
<label for="new-tenant-id">New tenant id</label>
<input id="new-tenant-id" name="id" type="text" autocomplete="off">
<label for="new-tenant-name">Name</label>
<input id="new-tenant-name" name="name" type="text" autocomplete="off">
<button type="submit" id="add-tenant">Add tenant</button>
</form>`,

  consoleApps: `<h1>Apps</h1>
<%~ include('@console-top', it) %>
<table id="apps"><caption>Registered apps</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Roles</th><th scope="col">Require MFA</th><th scope="col">Member invitations</th><th scope="col">Admin API</th></tr></thead>
<tbody><% it.apps.forEach(function (a) { %><tr><td><%= a.clientId %></td><td><%= a.roles.join(', ') %></td><td><%= a.requireMfa ? 'yes' : 'no' %></td><td><%= a.memberInvites ? 'yes' : 'no' %></td><td><%= a.adminApi || '—' %></td></tr><% }) %></tbody></table>`,

  consoleConnections: `<h1>Connections</h1>
<%~ include('@console-top', it) %>
<table id="connections"><caption>Upstream identity providers</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Tenant</th><th scope="col">Type</th><th scope="col">Issuer</th><th scope="col">Enabled</th></tr></thead>
<tbody><% it.connections.forEach(function (c) { %><tr><td><%= c.id %></td><td><%= c.tenantId %></td><td><%= c.type %></td><td><%= c.issuer %></td><td><%= c.disabled ? 'no' : 'yes' %></td></tr><% }) %>
<% if (it.connections.length === 0) { %><tr><td colspan="5">None.</td></tr><% } %></tbody></table>`,

  consoleAudit: `<h1>Audit log</h1>
<%~ include('@console-top', it) %>
<form method="get" action="<%= it.path %>/audit" class="row" role="search">
${tenantField}
<label for="audit-email">User (e-mail)</label>
<input id="audit-email" name="email" type="text" value="<%= it.filter.email %>" autocomplete="off">
<label for="audit-type">Type</label>
<input id="audit-type" name="type" type="text" value="<%= it.filter.type %>" placeholder="login.failure" autocomplete="off">
<label for="audit-from">From (UTC, YYYY-MM-DD)</label>
<input id="audit-from" name="from" type="text" value="<%= it.filter.from %>" autocomplete="off">
<label for="audit-to">To (UTC, YYYY-MM-DD)</label>
<input id="audit-to" name="to" type="text" value="<%= it.filter.to %>" autocomplete="off">
<button type="submit" id="filter">Filter</button>
</form>
<table id="audit"><caption>Newest first</caption>
<thead><tr><th scope="col">When (UTC)</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
<tbody><% it.events.forEach(function (e) { %><tr><td><%= e.at %></td><td><%= e.type %></td><td><%= e.outcome %></td><td><%= e.actor %></td><td><%= e.target %></td><td><%= e.details %></td></tr><% }) %>
<% if (it.events.length === 0) { %><tr><td colspan="6">No events.</td></tr><% } %></tbody></table>
<% if (it.next) { %><p><a href="<%= it.next %>" id="next-page">Older events</a></p><% } %>`,

  consoleMessage: `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p><a href="<%= it.link %>"><%= it.linkText %></a></p>`,
};
