import { invalid } from './federation/settings.ts';
import type { AppClient, Tenant } from './ports.ts';

/**
 * How Sesame's pages look. A tenant's brand shows to its users once Sesame knows who they are
 * (second-factor pages, consent, /account, the console, an invitation); an app's brand shows on the
 * pages before that (the login page, the password reset). Null: Sesame's own look.
 */
export interface Brand {
  name: string;
  /** A tenant's: https only (checked when set: domain/admin/delegation.ts); an app's: a data: URL (appLogo). */
  logoUrl?: string;
  /** `#rrggbb` (checked when set). */
  accent?: string;
  /** Where the accent's stylesheet is served, below /static (brandStylesheet). */
  css: string;
}

export function brandOf(tenant: Tenant | null): Brand | null {
  const b = tenant?.branding;
  if (!tenant || !b || (!b.displayName && !b.logoUrl && !b.accent)) return null;
  return {
    name: b.displayName ?? tenant.name,
    ...(b.logoUrl ? { logoUrl: b.logoUrl } : {}),
    ...(b.accent ? { accent: b.accent } : {}),
    css: `brand/${tenant.id}.css`,
  };
}

/** An app's look on the pages of its sign-ins: its name with its own logo and accent, when it has them. */
export function appBrandOf(client: AppClient | null): Brand | null {
  const b = client?.branding;
  if (!client || !b || (!b.logo && !b.accent)) return null;
  return {
    name: String(client.metadata.client_name ?? client.clientId),
    ...(b.logo ? { logoUrl: b.logo } : {}),
    ...(b.accent ? { accent: b.accent } : {}),
    css: `brand/app/${client.clientId}.css`,
  };
}

/** A host name (and port) of letters, digits, dots and hyphens only: the URL's origin goes into a CSP. */
export const PLAIN_HOST = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?$/;

/** The largest app logo kept (bytes of the image): it travels inside every login page. */
export const LOGO_MAX_BYTES = 24 * 1024;

/** Raster formats by their first bytes. No SVG: a logo is shown, never interpreted. */
const SIGNATURES: Array<[string, number[]]> = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

/**
 * An app's logo as the `data:` URL the pages show (the strict CSP allows `img-src data:`, and
 * nothing is fetched from elsewhere): a PNG, JPEG, GIF or WebP image of at most LOGO_MAX_BYTES,
 * its type read from its own bytes, not from a file name.
 */
export function appLogo(image: Uint8Array): string {
  if (image.length > LOGO_MAX_BYTES) throw invalid('logo_image');
  const type = SIGNATURES.find(([, magic]) => magic.every((byte, i) => image[i] === byte))?.[0];
  const webp = type !== 'image/webp' || String.fromCharCode(...image.slice(8, 12)) === 'WEBP';
  if (!type || !webp) throw invalid('logo_image');
  return `data:${type};base64,${Buffer.from(image).toString('base64')}`;
}

/** A logo given as a data: URL (the admin API): checked as appLogo checks the image inside it. */
export function appLogoFromDataUrl(url: string): string {
  const match = /^data:image\/(?:png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})$/.exec(url);
  if (!match?.[1]) throw invalid('logo_image');
  return appLogo(Buffer.from(match[1], 'base64'));
}

export function checkAccent(accent: string): string {
  const lower = accent.toLowerCase();
  if (!/^#[0-9a-f]{6}$/.test(lower)) throw invalid('accent');
  return lower;
}

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The card's colour in dark mode (views/layout.ts). */
const DARK_CARD = '#1f2937';

/**
 * The stylesheet of a brand's accent, readable whatever colour was chosen: button text is black or
 * white, whichever contrasts more (one of them always reaches WCAG's 4.5:1), and the accent colours
 * text only where it reaches 4.5:1 on the card (white, or dark grey in dark mode).
 */
export function brandStylesheet(brand: Brand | null): string {
  const accent = brand?.accent;
  if (!accent || !/^#[0-9a-f]{6}$/.test(accent)) return '';
  const text = contrast(accent, '#000000') >= contrast(accent, '#ffffff') ? '#000000' : '#ffffff';
  return [
    `.card{border-top:.375rem solid ${accent}}`,
    `button:not(.secondary){background:${accent};color:${text}}`,
    // The brand line on the light card, and on the dark one (prefers-color-scheme: dark, layout.ts).
    ...(contrast(accent, '#ffffff') >= 4.5
      ? [`@media not (prefers-color-scheme:dark){.brand{color:${accent}}}`]
      : []),
    ...(contrast(accent, DARK_CARD) >= 4.5
      ? [`@media (prefers-color-scheme:dark){.brand{color:${accent}}}`]
      : []),
  ].join('\n');
}
