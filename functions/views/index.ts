import { Eta } from 'eta/core';
import { DEFAULT_LOCALE, fill, isLocale, messages, pieces } from '../i18n/index.ts';
import { templates as account, methodSections } from './account.ts';
import { activitySections } from './activity.ts';
import { templates as common } from './common.ts';
import { templates as consolePages, partials as consolePartials } from './console.ts';
import { templates as layout } from './layout.ts';
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

const pages = { ...signIn, ...secondFactor, ...account, ...common, ...consolePages };
const parts = { ...layout, ...methodForms, ...methodSections, ...activitySections, ...consolePartials };
for (const [name, text] of Object.entries({ ...parts, ...pages })) eta.loadTemplate(`@${name}`, text);

export type View = keyof typeof pages;

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
