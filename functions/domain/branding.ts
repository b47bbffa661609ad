import type { Tenant } from './ports.ts';

/**
 * How a tenant's pages look to its users once Sesame knows who they are (second-factor pages,
 * consent, /account, the console, an invitation): its display name, logo and accent colour.
 * Null: Sesame's own look (a tenant without branding, the default tenant).
 */
export interface Brand {
  tenantId: string;
  name: string;
  /** https only (checked when set: domain/admin/delegation.ts). */
  logoUrl?: string;
  /** `#rrggbb` (checked when set). */
  accent?: string;
}

export function brandOf(tenant: Tenant | null): Brand | null {
  const b = tenant?.branding;
  if (!tenant || !b || (!b.displayName && !b.logoUrl && !b.accent)) return null;
  return {
    tenantId: tenant.id,
    name: b.displayName ?? tenant.name,
    ...(b.logoUrl ? { logoUrl: b.logoUrl } : {}),
    ...(b.accent ? { accent: b.accent } : {}),
  };
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

/**
 * The stylesheet of a brand's accent, readable whatever colour was chosen: button text is black or
 * white, whichever contrasts more (one of them always reaches WCAG's 4.5:1), and the accent colours
 * text only where it reaches 4.5:1 on the white card.
 */
export function brandStylesheet(brand: Brand | null): string {
  const accent = brand?.accent;
  if (!accent || !/^#[0-9a-f]{6}$/.test(accent)) return '';
  const text = contrast(accent, '#000000') >= contrast(accent, '#ffffff') ? '#000000' : '#ffffff';
  return [
    `.card{border-top:.375rem solid ${accent}}`,
    `button:not(.secondary){background:${accent};color:${text}}`,
    ...(contrast(accent, '#ffffff') >= 4.5 ? [`.brand{color:${accent}}`] : []),
  ].join('\n');
}
