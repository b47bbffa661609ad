import type { KoaContextWithOIDC } from 'oidc-provider';
import { ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import { basePath } from '../http/base-path.ts';
import { chooseLocale } from '../http/locale.ts';
import { type Locale, type Messages, messages } from '../i18n/index.ts';
import { renderPage } from '../views/index.ts';

/**
 * Pages oidc-provider renders itself (errors, logout), in Sesame's look and with no internals shown,
 * in the language of the request's `ui_locales` (RP-Initiated Logout 1.0 §2 has it too), else the
 * browser's.
 */

function clientName(ctx: KoaContextWithOIDC, locale: Locale): string | undefined {
  const client = ctx.oidc?.client;
  if (!client) return undefined;
  // Sesame's own pages are named in the page's language.
  const t = messages(locale).common;
  if (client.clientId === ACCOUNT_CLIENT_ID) return t.accountApp;
  if (client.clientId === CONSOLE_CLIENT_ID) return t.consoleApp;
  return client.clientName ?? client.clientId;
}

const localeFor = (ctx: KoaContextWithOIDC): Promise<Locale> =>
  chooseLocale(ctx, ctx.oidc?.params?.ui_locales);

export async function errorPage(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string | undefined },
  _error: Error,
): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  const locale = await localeFor(ctx);
  const t = messages(locale);
  // `out` holds only the OAuth error code; the library's own wording ("client is invalid",
  // "redirect_uri did not match …") is for developers: people get plain words, the code stays.
  const serverSide = out.error === 'server_error';
  ctx.body = renderPage('error', t.protocol.title, basePath(ctx), {
    heading: serverSide ? t.error.serverHeading : t.protocol.heading,
    message: serverSide ? t.error.serverMessage : plain(t.protocol, out.error),
    code: out.error,
    locale,
  });
}

/** What the protocol errors a person can meet mean, in their words (the catalogue's `protocol` section). */
const PLAIN = [
  'invalid_request',
  'invalid_client',
  'invalid_redirect_uri',
  'unauthorized_client',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'login_required',
  'session_not_found',
  'invalid_grant',
] as const;

function plain(t: Messages['protocol'], error: string): string {
  const known = (PLAIN as readonly string[]).includes(error) ? (error as (typeof PLAIN)[number]) : undefined;
  return t[known ?? 'invalid_request'];
}

/** The session a logout page is about: its user, its uid and when it signed in (epoch seconds). */
export interface LoggedInSession {
  accountId: string;
  uid: string;
  authTime: number | undefined;
}

/**
 * The logout confirmation, saying which account it signs out (`emailOf`: the session user's
 * address, null when unknown or when the session has ended), so nobody ends someone else's session
 * on a shared computer unawares.
 */
export function logoutPage(emailOf: (session: LoggedInSession) => Promise<string | null>) {
  return async (ctx: KoaContextWithOIDC, form: string): Promise<void> => {
    const session = ctx.oidc?.session;
    const accountId = session?.accountId;
    const signedInAs =
      session && accountId
        ? await emailOf({ accountId, uid: session.uid, authTime: session.authTime() })
        : null;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    const locale = await localeFor(ctx);
    // `form` is oidc-provider's own hidden form (with its xsrf token), trusted markup.
    ctx.body = renderPage('logout', messages(locale).logout.title, basePath(ctx), {
      form,
      clientName: clientName(ctx, locale),
      signedInAs,
      locale,
    });
  };
}

export async function loggedOutPage(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  const locale = await localeFor(ctx);
  ctx.body = renderPage('loggedOut', messages(locale).loggedOut.title, basePath(ctx), {
    clientName: clientName(ctx, locale),
    locale,
  });
}
