import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { brandOf } from '../domain/branding.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { type FactorChange, factorOverview } from '../domain/mfa/settings.ts';
import type { AccountActivity } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import type { Logger } from '../shared/logger.ts';
import { describePolicy } from '../shared/messages.ts';
import { renderPage } from '../views/index.ts';
import { activityOf } from './activity.ts';
import type { AccountSession } from './session.ts';

/** What the account page's handlers share: the request, its session and how to answer. */
export type SignedIn = Extract<AccountSession, { kind: 'signed-in' }>;

export interface AccountDeps {
  mfa: DomainDeps;
  /** The user's sessions and grants (activity.ts). */
  activity: AccountActivity;
  issuer: string;
  /** The longest a sign-in through an upstream provider lasts (lifetimes.ts). */
  federatedSessionSeconds: number;
  /** The longest any browser session lasts (SESAME_SESSION_TTL). */
  sessionSeconds: number;
  logger: Logger;
  /** Server secret the page's CSRF tokens are derived with (a cookie-signing key). */
  csrfKey: string;
}

export interface Request {
  ctx: Context;
  deps: AccountDeps;
  /** `<base>/account`: links and form actions are built from it. */
  path: string;
}

export function redirect(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

/**
 * The CSRF token of the account page's forms: derived from this browser session with a server
 * secret, so it needs no cookie of its own and one planted by a sibling subdomain (cookie tossing)
 * or left from another user's session in the same browser is worthless.
 */
export function csrfToken(req: Request, who: SignedIn): string {
  return createHmac('sha256', req.deps.csrfKey).update(`account-csrf\0${who.sessionUid}`).digest('base64url');
}

export function sameToken(submitted: string, expected: string): boolean {
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The overview: one section per second step the registry lists (views/account.ts), then the password. */
export async function overview(
  req: Request,
  who: SignedIn,
  message: { error?: string; notice?: string; problems?: string[] },
): Promise<void> {
  const { ctx, deps, path } = req;
  const [factors, activity] = await Promise.all([
    factorOverview(deps.mfa, who.user.id),
    activityOf(deps, who.user, who.sessionUid),
  ]);
  const now = deps.mfa.clock.now().getTime() / 1000;
  ctx.status = message.error || message.problems ? 400 : 200;
  ctx.type = 'html';
  ctx.body = renderPage('account', 'Your account', basePath(ctx), {
    path,
    csrf: csrfToken(req, who),
    name: who.user.name,
    email: who.user.email,
    recent: who.recent,
    methods: factors.methods,
    logout: `${basePath(ctx)}/session/end`,
    rules: describePolicy(deps.mfa.config.passwordPolicy),
    sessions: activity.sessions.map((s) => ({
      ...s,
      signedIn: ago(s.signedInAt, now),
      seen: ago(s.seenAt ?? s.signedInAt, now),
    })),
    apps: activity.apps.map((a) => ({ ...a, granted: ago(a.grantedAt, now) })),
    ...branded(ctx, brandOf(await deps.mfa.tenantSettings(who.user.tenantId))),
    ...message,
  });
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 hours ago", "yesterday": when something happened, in words (epoch seconds; null: unknown). */
export function ago(at: number | null, now: number): string {
  if (at === null) return 'at an unknown time';
  const seconds = Math.max(0, now - at);
  if (seconds < 60) return 'just now';
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const)
    if (seconds >= size) return RELATIVE.format(-Math.floor(seconds / size), unit);
  return 'just now';
}

const REFUSED: Record<Exclude<FactorChange, 'done'>, string> = {
  last_factor_required:
    'Your account must keep a second factor of this strength, so this one cannot be switched off. Set up another one first.',
  busy: 'Another change to your sign-in methods is under way. Please try again in a moment.',
  not_offered: 'This sign-in method is not offered here.',
};

/** After a change: back to the overview with the notice `done` (a key of ACCOUNT_NOTICES), or the refusal. */
export async function afterChange(
  req: Request,
  who: SignedIn,
  outcome: FactorChange,
  done: string,
): Promise<void> {
  if (outcome !== 'done') return overview(req, who, { error: REFUSED[outcome] });
  redirect(req.ctx, `${req.path}?done=${done}`);
}

export function showRecoveryCodes(req: Request, who: SignedIn, codes: string[]): void {
  const { ctx, path } = req;
  ctx.type = 'html';
  ctx.body = renderPage('recoveryCodes', 'Your recovery codes', basePath(ctx), {
    action: `${path}/continue`,
    csrf: csrfToken(req, who),
    codes,
  });
}
