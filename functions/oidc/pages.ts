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
  // `out` holds only the OAuth error code and the library's public description; never a stack.
  const serverSide = out.error === 'server_error';
  ctx.body = renderPage('error', 'Something went wrong', basePath(ctx), {
    heading: serverSide ? 'Something went wrong on our side' : 'This sign-in request cannot continue',
    message: serverSide
      ? 'Please try again in a moment.'
      : (out.error_description ?? 'The application sent an invalid request. Return to it and try again.'),
    code: out.error,
  });
}

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
