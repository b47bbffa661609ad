import { Eta } from 'eta/core';
import { DEFAULT_LOCALE, fill, isLocale, messages, pieces } from '../i18n/index.ts';
import type { templates as accountPages } from './account.ts';
import { templates as common } from './common.ts';
import type { templates as consolePages } from './console.ts';
import type { templates as invitationPages } from './invitation.ts';
import { templates as layout } from './layout.ts';
import type { templates as linkPages } from './link-account.ts';
import type { templates as resetPages } from './password-reset.ts';
import { methodForms, templates as secondFactor } from './second-factor.ts';
import { templates as signIn } from './sign-in.ts';

export { script, stylesheet } from './layout.ts';

/**
 * Server-rendered pages, one file per page family. Eta escapes every `<%= %>` interpolation
 * (autoEscape), so user-supplied text such as a display name renders as text. Pages need no
 * JavaScript. Their words come from the catalogue of `data.locale` (functions/i18n; English when
 * absent, as for the console): `it.t`, with `it.fill` and `it.pieces` for the placeholders.
 */
const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });

const pages = { ...signIn, ...secondFactor, ...common };
const parts = { ...layout, ...methodForms };
// Each template is compiled the first time a page needs it (pages and the partials they include
// are looked up here), not all of them at every cold start.
const sources: Record<string, string> = { ...parts, ...pages };
const loaded = eta.templatesSync;
const compiledTemplate = loaded.get.bind(loaded);
loaded.get = (name: string) => {
  const source =
    name.startsWith('@') && Object.hasOwn(sources, name.slice(1)) ? sources[name.slice(1)] : undefined;
  if (!compiledTemplate(name) && source !== undefined) eta.loadTemplate(name, source);
  return compiledTemplate(name);
};

/**
 * The account page's and the console's pages, and those of the sign-in steps few take (an invitation,
 * a password reset, linking an upstream identity), are added when those load (addViews).
 */
export type View =
  | keyof typeof pages
  | keyof typeof accountPages
  | keyof typeof consolePages
  | keyof typeof invitationPages
  | keyof typeof resetPages
  | keyof typeof linkPages;

/**
 * Templates of a part of Sesame loaded at first use (the account page: functions/account/page.ts; the
 * console: functions/console/routes.ts; the rare sign-in steps: functions/interactions/), added when its module loads: they are not in the code every
 * cold start reads (infra/bundling.ts).
 */
export function addViews(views: {
  templates: Record<string, string>;
  partials: Record<string, string>;
}): void {
  Object.assign(sources, views.partials, views.templates);
}

/** Compiles every template now (a test: a template that does not compile fails CI, not a page). */
export function compileAllTemplates(): number {
  for (const name of Object.keys(sources)) loaded.get(`@${name}`);
  return Object.keys(sources).length;
}

export function renderPage(view: View, title: string, base: string, data: Record<string, unknown>): string {
  const locale = isLocale(data.locale) ? data.locale : DEFAULT_LOCALE;
  const words = { locale, t: messages(locale), fill, pieces };
  const body = eta.render(`@${view}`, { ...data, ...words, base });
  // The console's tables need the width; every other page is a narrow card.
  return eta.render('@layout', {
    ...words,
    title,
    base,
    body,
    wide: view.startsWith('console'),
    brand: data.brand,
  });
}
