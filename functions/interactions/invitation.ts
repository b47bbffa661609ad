import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { loadOnce } from '../domain/load-once.ts';
import { basePath } from '../http/base-path.ts';
import type { Logger } from '../shared/logger.ts';
import { renderFailure } from './routes.ts';
import type { InteractionServices } from './services.ts';
import type { Step } from './step.ts';

/**
 * Accepting an invitation (domain/invitations.ts). The mailed link, `GET /invitation/<token>`, keeps
 * the token in an HttpOnly cookie and sends the browser to sign in at the invited app (its OIDC
 * `initiate_login_uri`) or at Sesame's account page; the sign-in page of that interaction then asks
 * the invitee to create their account (or to sign in to the existing one) and accepts the invitation
 * when that sign-in finishes — after a second factor, when one is needed. A browser already signed in
 * as the invited address accepts at once; one signed in as someone else is told to sign out first.
 *
 * What every request may touch stays here (the cookie, whether a sign-in carries one); the link and
 * the invitation page are in invitation-pages.ts, loaded by the first request that carries one.
 */
export const INVITATION_COOKIE = 'sesame_invitation';
export const LINK = /^\/invitation\/([a-z0-9][a-z0-9-]{1,62}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})$/;
const TOKEN = /^[a-z0-9][a-z0-9-]{1,62}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

/** The link's and the invitation's pages (domain/load-once.ts). */
export const invitationPages = loadOnce(() => import('./invitation-pages.ts'));

export function invitationLinks(provider: Provider, services: InteractionServices, logger: Logger) {
  provider.on('end_session.success', (ctx: Context) => {
    forgetIn(ctx);
  });
  return async function invitation(ctx: Context, next: Next): Promise<void> {
    if (!ctx.path.startsWith('/invitation/')) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer'); // the token is in the URL
    try {
      await (await invitationPages()).openLink(ctx, provider, services);
    } catch (err) {
      renderFailure(ctx, err, logger);
    }
  };
}

/** The invitation token this browser carries into the sign-in, if it is well-formed (live or not). */
export function carriedToken(ctx: Context): string | null {
  const token = ctx.cookies.get(INVITATION_COOKIE) ?? '';
  return TOKEN.test(token) ? token : null;
}

/** The invitation this browser carries into the sign-in, if it is live. */
export async function carried(step: Step) {
  const token = carriedToken(step.ctx);
  if (!token) return null;
  const found = await step.services.invitations.open(token);
  return found ? { token, ...found } : null;
}

/** The ref of the live invitation this browser carries into the sign-in, if any (federation.ts takes it upstream). */
export async function carriedRef(step: Step): Promise<string | undefined> {
  return (await carried(step))?.ref;
}

/**
 * Where the invitation cookie goes: the interaction pages, which show the invitation, and the
 * authorization endpoint, which then redirects to them instead of answering with the plain sign-in
 * form (short-login.ts) — it only needs to see that there is one.
 */
export const cookiePaths = (ctx: Context) => [`${basePath(ctx)}/interaction/`, `${basePath(ctx)}/auth`];

/** Whether this request carries an invitation cookie (live or not: the interaction page decides). */
export function carriesInvitation(ctx: Context): boolean {
  return Boolean(ctx.cookies.get(INVITATION_COOKIE));
}

/** Clears the invitation cookie (with the same attributes it was set with). */
export function forgetIn(ctx: Context): void {
  for (const path of cookiePaths(ctx))
    ctx.cookies.set(INVITATION_COOKIE, null, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path,
    });
}
