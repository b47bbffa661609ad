import type { Context } from 'koa';
import {
  DEFAULT_LOCALE,
  fromUiLocales,
  isLocale,
  LOCALES,
  type Locale,
  loadMessages,
} from '../i18n/index.ts';

/**
 * The language of a page: the first supported one of the app's `ui_locales` for this sign-in
 * (OpenID Connect Core §3.1.2.1; oidc-provider keeps it with the interaction, so every step of the
 * sign-in gets the same answer), else the browser's Accept-Language (RFC 9110 §12.5.4, negotiated by
 * Koa's `acceptsLanguages` — q-values, `de-DE` counting for `de`), else English. The choice is kept
 * on the request, so an error page rendered later in it speaks the same language.
 */
export async function chooseLocale(ctx: Context, uiLocales?: unknown): Promise<Locale> {
  const locale = fromUiLocales(uiLocales) ?? fromAcceptLanguage(ctx) ?? DEFAULT_LOCALE;
  await loadMessages(locale);
  ctx.state.locale = locale;
  return locale;
}

/** The language chosen for this request already, or the browser's (loaded by `loadBrowserLocale`). */
export function localeOf(ctx: Context): Locale {
  const chosen: unknown = ctx.state.locale;
  if (isLocale(chosen)) return chosen;
  const locale = fromAcceptLanguage(ctx) ?? DEFAULT_LOCALE;
  ctx.state.locale = locale;
  return locale;
}

/**
 * Reads the catalogue of the browser's language before anything handles the request (the first
 * middleware), so that any page of the request — an error page too — can speak it. A request
 * without Accept-Language (an app's back channel) does no negotiation at all.
 */
export async function loadBrowserLocale(ctx: Context, next: () => Promise<unknown>): Promise<void> {
  const language = ctx.get('accept-language') ? browserLanguage(ctx) : null;
  if (language) await loadMessages(language);
  await next();
}

function fromAcceptLanguage(ctx: Context): Locale | null {
  // The page differs by this header: a shared cache must not hand one browser's language to another.
  ctx.vary('Accept-Language');
  return browserLanguage(ctx);
}

/** The supported language the browser prefers (Koa's negotiation: q-values, `de-DE` for `de`), or null. */
function browserLanguage(ctx: Context): Locale | null {
  const best = ctx.acceptsLanguages([...LOCALES]);
  return isLocale(best) ? best : null;
}
