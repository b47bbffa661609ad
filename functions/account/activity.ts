import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { sessionNoLongerCounts } from '../domain/accounts.ts';
import { ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import { type AttemptContext, audit, auditTenant } from '../domain/deps.ts';
import type { AccountActivity, BrowserSession, User } from '../domain/ports.ts';
import { fill, type Locale, type Messages, messages } from '../i18n/index.ts';
import type { Logger } from '../shared/logger.ts';
import { ACCOUNT_CLIENT_NAME, CONSOLE_CLIENT_NAME } from './client.ts';
import type { AccountDeps } from './page.ts';

/**
 * "Where you are signed in": the user's browser sessions and the apps they allowed, as the account
 * page lists them, and ending one session, one app's access, or (with the mark of
 * settings.endAllSessions) all of them. Apps that registered a `backchannel_logout_uri` are told
 * (OpenID Connect Back-Channel Logout 1.0) with a logout token oidc-provider signs, so they end
 * their own session of the user too.
 */
export interface ActivityDeps extends Pick<AccountDeps, 'mfa' | 'logger' | 'sessionSeconds'> {
  activity: AccountActivity;
}

/** Sesame's own pages sign in as built-in apps; they are listed by name but hold nothing to revoke. */
const BUILT_IN = new Map([
  [ACCOUNT_CLIENT_ID, ACCOUNT_CLIENT_NAME],
  [CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME],
]);

export interface SessionView {
  handle: string;
  current: boolean;
  signedInAt: number | null;
  seenAt: number | null;
  /** The address it was last active from (undefined: not known). */
  where: string | undefined;
  device: string;
  method: string;
  apps: string[];
}

export interface AppView {
  clientId: string;
  name: string;
  grantedAt: number | null;
  offline: boolean;
}

/** How the account page's forms name a session: a digest of its uid, which is itself never shown. */
export function handleOf(sessionUid: string): string {
  return createHash('sha256').update(`session\0${sessionUid}`).digest('base64url').slice(0, 22);
}

export async function activityOf(
  deps: ActivityDeps,
  user: User,
  currentUid: string,
  locale: Locale,
): Promise<{ sessions: SessionView[]; apps: AppView[] }> {
  const t = messages(locale).account;
  const [sessions, grants] = await Promise.all([
    deps.activity.sessionsOf(user.id),
    deps.activity.grantsOf(user.id),
  ]);
  const names = new Map<string, string>();
  const nameOf = async (clientId: string) => {
    const builtIn = BUILT_IN.get(clientId);
    if (builtIn) return builtIn;
    if (!names.has(clientId)) {
      const client = await deps.mfa.clients.get(clientId);
      names.set(clientId, String(client?.metadata.client_name ?? clientId));
    }
    return names.get(clientId) as string;
  };
  // An app whose access was taken back is no longer shown as signed in through a session.
  const granted = new Set(grants.map((g) => g.grantId));
  const sessionViews: SessionView[] = [];
  for (const s of sessions) {
    // Ended by "sign out everywhere", a password change or reset (the mark the session checks read).
    const signedInAt = s.signedInAt ?? undefined;
    if (sessionNoLongerCounts(user, s.uid, signedInAt)) continue;
    const apps = s.apps.filter((a) => BUILT_IN.has(a.clientId) || (a.grantId && granted.has(a.grantId)));
    sessionViews.push({
      handle: handleOf(s.uid),
      current: s.uid === currentUid,
      signedInAt: s.signedInAt,
      seenAt: s.seenAt,
      where: s.ip,
      device: describeBrowser(s.userAgent, t),
      method: describeMethod(s.amr, t),
      apps: await Promise.all(apps.map((a) => nameOf(a.clientId))),
    });
  }
  // The current browser first, then the most recently seen.
  sessionViews.sort((a, b) => Number(b.current) - Number(a.current));
  const byClient = new Map<string, AppView>();
  for (const g of grants) {
    if (BUILT_IN.has(g.clientId)) continue;
    const seen = byClient.get(g.clientId);
    byClient.set(g.clientId, {
      clientId: g.clientId,
      name: await nameOf(g.clientId),
      grantedAt: Math.max(seen?.grantedAt ?? 0, g.grantedAt ?? 0) || null,
      offline: (seen?.offline ?? false) || g.offline,
    });
  }
  return { sessions: sessionViews, apps: [...byClient.values()] };
}

/**
 * Ends one browser session of the user: the apps signed in through it are told (back-channel), the
 * grants it made without offline access are revoked (as oidc-provider's own logout does), and the
 * session is deleted. False when the handle names no session of this user.
 */
export async function endSession(
  deps: ActivityDeps,
  provider: Provider,
  input: { user: User; handle: string; context: AttemptContext },
): Promise<boolean> {
  const sessions = await deps.activity.sessionsOf(input.user.id);
  const session = sessions.find((s) => handleOf(s.uid) === input.handle);
  if (!session) return false;
  // First the mark on the user: a request that loaded this session before it is deleted saves it
  // again when it finishes, and the mark keeps that copy from being honoured (accounts.ts sessionEnded).
  const now = deps.mfa.clock.now().getTime();
  const at = Math.max(now, (session.signedInAt ?? 0) * 1000);
  // Earlier marks stay while their sessions are still stored: each request that loads a stored
  // session, refused or not, saves it with a fresh lifetime, so a copy saved again can outlive `until`.
  await deps.mfa.users.endSession(
    input.user.id,
    { uid: session.uid, at, until: at + deps.sessionSeconds * 1000 },
    sessions.map((s) => s.uid),
  );
  await tellApps(provider, deps.logger, input.user.id, [session]);
  await Promise.all(
    session.apps
      .filter((a) => a.grantId && !a.persistsLogout)
      .map((a) => revokeGrant(deps, provider, input.user.id, a.grantId as string)),
  );
  await provider.Session.adapter.destroy(session.sessionId);
  await audit(
    deps.mfa,
    {
      type: 'session.ended',
      outcome: 'success',
      actor: input.user.id,
      target: input.user.id,
      tenant: auditTenant(input.user),
      details: { apps: session.apps.length },
    },
    input.context,
  );
  return true;
}

/**
 * Takes back what the user allowed one app: every grant of theirs to it is revoked with its access
 * and refresh tokens (the app must ask again, and a third-party app shows the consent page again),
 * and the app is told of every session the user had with it. False when the app holds no grant.
 */
export async function revokeApp(
  deps: ActivityDeps,
  provider: Provider,
  input: { user: User; clientId: string; context: AttemptContext },
): Promise<boolean> {
  if (BUILT_IN.has(input.clientId)) return false;
  const grants = await deps.activity.grantsOf(input.user.id, input.clientId);
  if (grants.length === 0) return false;
  const sessions = await deps.activity.sessionsOf(input.user.id);
  await tellApps(provider, deps.logger, input.user.id, sessions, input.clientId);
  await Promise.all(grants.map((g) => revokeGrant(deps, provider, input.user.id, g.grantId)));
  await audit(
    deps.mfa,
    {
      type: 'app.access_revoked',
      outcome: 'success',
      actor: input.user.id,
      target: input.user.id,
      clientId: input.clientId,
      tenant: auditTenant(input.user),
    },
    input.context,
  );
  return true;
}

/**
 * Back-channel logout for every app in these sessions (or only `onlyClient`) that registered a
 * `backchannel_logout_uri`. Delivery is best effort, as the specification allows: an app that is down
 * is logged and does not stop the sign-out (its tokens are revoked or fail the session check anyway).
 */
export async function tellApps(
  provider: Provider,
  logger: Logger,
  userId: string,
  sessions: BrowserSession[],
  onlyClient?: string,
): Promise<void> {
  const deliveries: Array<Promise<void>> = [];
  for (const session of sessions)
    for (const app of session.apps) {
      if (BUILT_IN.has(app.clientId) || (onlyClient !== undefined && app.clientId !== onlyClient)) continue;
      deliveries.push(
        (async () => {
          const client = (await provider.Client.find(app.clientId)) as BackChannelClient | undefined;
          if (!client?.backchannelLogoutUri) return;
          try {
            await client.backchannelLogout(userId, app.sid);
            logger.info('backchannel_logout.delivered', { clientId: app.clientId });
          } catch (err) {
            logger.warn('backchannel_logout.failed', {
              clientId: app.clientId,
              error: err instanceof Error ? err.message.slice(0, 200) : 'unknown',
            });
          }
        })(),
      );
    }
  await Promise.all(deliveries);
}

/** oidc-provider's Client has this method (models/client.js), which its type declarations leave out. */
interface BackChannelClient {
  backchannelLogoutUri?: string;
  /** Signs a logout token (sub, and sid when the app wants it) and POSTs it; throws on a non-2xx answer. */
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

async function revokeGrant(
  deps: ActivityDeps,
  provider: Provider,
  userId: string,
  grantId: string,
): Promise<void> {
  // Our adapter's revokeByGrantId removes every token of the grant whatever the model.
  await provider.RefreshToken.adapter.revokeByGrantId(grantId);
  await provider.Grant.adapter.destroy(grantId);
  await deps.activity.forgetGrant(userId, grantId);
}

/** "Chrome on Windows": the browser family and system named in a User-Agent, for people to recognise. */
export function describeBrowser(userAgent: string | undefined, t: Messages['account']): string {
  if (!userAgent) return t.unknownBrowser;
  const browser =
    [
      ['Edg/', 'Edge'],
      ['OPR/', 'Opera'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ].find(([token]) => userAgent.includes(token as string))?.[1] ?? t.unknownBrowser;
  const system =
    [
      ['Windows', 'Windows'],
      ['Android', 'Android'],
      ['iPhone', 'iPhone'],
      ['iPad', 'iPad'],
      ['Mac OS X', 'macOS'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([token]) => userAgent.includes(token as string))?.[1] ?? null;
  return system ? fill(t.browserOn, { browser, system }) : browser;
}

function describeMethod(amr: string[], t: Messages['account']): string {
  if (amr.includes('fed')) return t.byFederation;
  // A passkey alone (no password before it): the sign-in was the passkey.
  if (!amr.includes('pwd') && (amr.includes('hwk') || amr.includes('swk'))) return t.byPasskey;
  if (amr.includes('mfa')) return t.byMfa;
  if (amr.includes('pwd')) return t.byPassword;
  return t.byOther;
}
