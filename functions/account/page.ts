import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { brandOf } from '../domain/branding.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { type FactorChange, factorOverview } from '../domain/mfa/settings.ts';
import type { AccountActivity } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { localeOf } from '../http/locale.ts';
import { fill, type Locale, type Messages, messages } from '../i18n/index.ts';
import type { Logger } from '../shared/logger.ts';
import { describePolicy } from '../shared/messages.ts';
import { methodSections, templates } from '../views/account.ts';
import { activitySections } from '../views/activity.ts';
import { addViews, renderPage } from '../views/index.ts';
import { activityOf } from './activity.ts';
import type { AccountSession } from './session.ts';

addViews({ templates, partials: { ...methodSections, ...activitySections } });

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

/** The words of the page's language: the browser's (the account page is outside any sign-in). */
export const wordsOf = (req: Request): Messages => messages(localeOf(req.ctx));

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
  /** `problemField`: the password field the problems are about (it gets the focus). */
  message: { error?: string; notice?: string; problems?: string[]; problemField?: 'current' | 'new' },
): Promise<void> {
  const { ctx, deps, path } = req;
  const [factors, activity] = await Promise.all([
    factorOverview(deps.mfa, who.user.id),
    activityOf(deps, who.user, who.sessionUid, localeOf(ctx)),
  ]);
  const now = deps.mfa.clock.now().getTime() / 1000;
  ctx.status = message.error || message.problems ? 400 : 200;
  ctx.type = 'html';
  const locale = localeOf(ctx);
  const t = messages(locale).account;
  ctx.body = renderPage('account', messages(locale).account.title, basePath(ctx), {
    locale,
    path,
    csrf: csrfToken(req, who),
    name: who.user.name,
    email: who.user.email,
    recent: who.recent,
    methods: factors.methods,
    // Dates as the page's language writes them (UTC: the server knows no time zone of the reader).
    date: (ms: number) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms),
    logout: `${basePath(ctx)}/session/end`,
    rules: describePolicy(deps.mfa.config.passwordPolicy, locale),
    sessions: activity.sessions.map((s) => ({
      ...s,
      line: fill(t.sessionLine, {
        signedIn: ago(s.signedInAt, now, locale),
        method: s.method,
        seen: ago(s.seenAt ?? s.signedInAt, now, locale),
        where: s.where ?? t.unknownAddress,
      }),
      appsLine: fill(t.sessionApps, { apps: s.apps.join(', ') }),
    })),
    apps: activity.apps.map((a) => ({
      ...a,
      line: fill(t.appAllowed, { granted: ago(a.grantedAt, now, locale) }),
    })),
    ...branded(ctx, brandOf(await deps.mfa.tenantSettings(who.user.tenantId))),
    ...message,
  });
}

/** "3 hours ago", "yesterday": when something happened, in words (epoch seconds; null: unknown). */
export function ago(at: number | null, now: number, locale: Locale): string {
  const t = messages(locale).account;
  if (at === null) return t.unknownTime;
  const seconds = Math.max(0, now - at);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const)
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
  return t.justNow;
}

/** A refused change, by the catalogue's key in `account`. */
const REFUSED = {
  last_factor_required: 'lastFactor',
  busy: 'busy',
  not_offered: 'notOffered',
} as const satisfies Record<Exclude<FactorChange, 'done'>, keyof Messages['account']>;

/** After a change: back to the overview with the notice `done` (a key of ACCOUNT_NOTICES), or the refusal. */
export async function afterChange(
  req: Request,
  who: SignedIn,
  outcome: FactorChange,
  done: string,
): Promise<void> {
  if (outcome !== 'done') return overview(req, who, { error: wordsOf(req).account[REFUSED[outcome]] });
  redirect(req.ctx, `${req.path}?done=${done}`);
}

export function showRecoveryCodes(req: Request, who: SignedIn, codes: string[]): void {
  const { ctx, path } = req;
  ctx.type = 'html';
  const locale = localeOf(ctx);
  ctx.body = renderPage('recoveryCodes', messages(locale).recoveryCodes.title, basePath(ctx), {
    locale,
    action: `${path}/continue`,
    csrf: csrfToken(req, who),
    codes,
  });
}
