import { Eta } from 'eta/core';
import { templates as account, methodSections } from './account.ts';
import { templates as common } from './common.ts';
import { templates as layout } from './layout.ts';
import { methodForms, templates as secondFactor } from './second-factor.ts';
import { templates as signIn } from './sign-in.ts';

export { stylesheet } from './layout.ts';

/**
 * Server-rendered pages, one file per page family. Eta escapes every `<%= %>` interpolation
 * (autoEscape), so user-supplied text such as a display name renders as text. Pages need no
 * JavaScript.
 */
const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });

const pages = { ...signIn, ...secondFactor, ...account, ...common };
for (const [name, text] of Object.entries({ ...layout, ...methodForms, ...methodSections, ...pages }))
  eta.loadTemplate(`@${name}`, text);

export type View = keyof typeof pages;

export function renderPage(view: View, title: string, base: string, data: Record<string, unknown>): string {
  const body = eta.render(`@${view}`, { ...data, base });
  return eta.render('@layout', { title, base, body });
}
