import type { KoaContextWithOIDC } from 'oidc-provider';
import { basePath } from '../http/base-path.ts';
import { renderPage } from '../views/index.ts';

/** Pages oidc-provider renders itself (errors, logout), in Sesame's look and with no internals shown. */

function clientName(ctx: KoaContextWithOIDC): string | undefined {
  const client = ctx.oidc?.client;
  return client ? (client.clientName ?? client.clientId) : undefined;
}

export async function errorPage(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string | undefined },
  _error: Error,
): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // `out` holds only the OAuth error code; the library's own wording ("client is invalid",
  // "redirect_uri did not match …") is for developers: people get plain words, the code stays.
  const serverSide = out.error === 'server_error';
  ctx.body = renderPage('error', 'Something went wrong', basePath(ctx), {
    heading: serverSide ? 'Something went wrong on our side' : 'This sign-in request cannot continue',
    message: serverSide ? 'Please try again in a moment.' : (PLAIN[out.error] ?? PLAIN.invalid_request),
    code: out.error,
  });
}

/** What the protocol errors a person can meet mean, in their words. */
const PLAIN: Record<string, string> = {
  invalid_request:
    'The application sent a sign-in request Sesame cannot use. Return to the application and try again; if it keeps happening, tell its owners.',
  invalid_client:
    'The application that sent you here is not known to this sign-in service. Check the address you used, or tell the application’s owners.',
  invalid_redirect_uri:
    'The application asked to send you back to an address it has not registered, so Sesame stopped here to keep your sign-in safe. Tell the application’s owners.',
  unauthorized_client: 'This application may not sign people in this way. Tell the application’s owners.',
  unsupported_response_type:
    'This application asked for something Sesame does not offer. Tell the application’s owners.',
  invalid_scope: 'This application asked for access Sesame does not give. Tell the application’s owners.',
  access_denied: 'The sign-in was cancelled. Return to the application to start again.',
  login_required: 'You are not signed in. Return to the application and sign in.',
  session_not_found: 'This sign-in has expired. Return to the application and start again.',
  invalid_grant: 'This sign-in has expired or was already used. Return to the application and start again.',
};

export async function logoutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // `form` is oidc-provider's own hidden form (with its xsrf token), trusted markup.
  ctx.body = renderPage('logout', 'Sign out', basePath(ctx), { form, clientName: clientName(ctx) });
}

export async function loggedOutPage(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage('loggedOut', 'Signed out', basePath(ctx), { clientName: clientName(ctx) });
}
