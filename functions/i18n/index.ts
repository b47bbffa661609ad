import { en } from './en.ts';

/**
 * The languages of the pages and e-mails end users see: one catalogue each, English the source of
 * truth (en.ts). Adding a language is a catalogue typed `Messages` and one entry in LOCALES and LOADERS.
 */
type Catalogue<T> = { readonly [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };
export type Messages = Catalogue<typeof en>;

export const LOCALES = ['en', 'nl', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/**
 * English comes with the code; the other catalogues are read at the first request in their language
 * (each is a chunk of its own in the Lambda asset, not read at a cold start: issue #14).
 */
const LOADERS: Record<Exclude<Locale, 'en'>, () => Promise<Messages>> = {
  nl: () => import('./nl.ts').then((m) => m.nl),
  de: () => import('./de.ts').then((m) => m.de),
};
const loaded: Partial<Record<Locale, Messages>> = { en };
const loading = new Map<Locale, Promise<Messages>>();

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** Makes `messages(locale)` answer: reads the catalogue once (a failed read is tried again next time). */
export async function loadMessages(locale: Locale): Promise<Messages> {
  const ready = loaded[locale];
  if (ready) return ready;
  if (locale === 'en') return en;
  let pending = loading.get(locale);
  if (!pending) {
    pending = LOADERS[locale]().then(
      (catalogue) => {
        loaded[locale] = catalogue;
        return catalogue;
      },
      (err: unknown) => {
        loading.delete(locale);
        throw err;
      },
    );
    loading.set(locale, pending);
  }
  return pending;
}

/**
 * The catalogue of a language the request chose (http/locale.ts chooses and loads it). A language
 * not loaded is a programming error, never shown as English by mistake.
 */
export function messages(locale: Locale): Messages {
  const catalogue = loaded[locale];
  if (!catalogue) throw new Error(`the ${locale} catalogue was not loaded (loadMessages)`);
  return catalogue;
}

type Values = Readonly<Record<string, string | number>>;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** The catalogue sentence with its `{name}`s filled in (plain text: the pages escape it). */
export function fill(template: string, values: Values): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** A page's title after a failed submit ("Error: Sign in"), so a screen reader hears it first. */
export const errorTitle = (t: Messages, title: string): string => fill(t.layout.errorTitle, { title });

/**
 * The sentence cut at its placeholders, for a template that marks the filled-in values up (bold, a
 * link) while eta escapes every piece: `{ text, name }` for a value, `{ text }` for the words around.
 */
export function pieces(template: string, values: Values): Array<{ text: string; name?: string }> {
  const out: Array<{ text: string; name?: string }> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [whole, name = ''] = match;
    if (match.index > last) out.push({ text: template.slice(last, match.index) });
    out.push(Object.hasOwn(values, name) ? { text: String(values[name]), name } : { text: whole });
    last = match.index + whole.length;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}

/** The names of the placeholders a sentence has, in order (the catalogue test compares them). */
export const placeholders = (template: string): string[] =>
  [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);

/**
 * The first supported language of the OpenID Connect `ui_locales` parameter (Core §3.1.2.1: BCP 47
 * tags, space-separated, most preferred first). A tag that is not well-formed is skipped; a regional
 * tag (`nl-BE`) counts for its language.
 */
export function fromUiLocales(param: unknown): Locale | null {
  if (typeof param !== 'string') return null;
  for (const tag of param.split(' ').slice(0, 20)) {
    const language = languageOf(tag);
    if (isLocale(language)) return language;
  }
  return null;
}

function languageOf(tag: string): string | null {
  if (!tag || tag.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ? new Intl.Locale(canonical).language : null;
  } catch {
    return null;
  }
}
