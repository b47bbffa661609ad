import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appBrandOf,
  appLogo,
  appLogoFromDataUrl,
  brandOf,
  brandStylesheet,
  checkAccent,
  contrast,
  LOGO_MAX_BYTES,
} from '../../functions/domain/branding.ts';

describe('tenant branding', () => {
  const tenant = { id: 'acme', name: 'Acme Corp', createdAt: '2026-01-01T00:00:00Z' };

  it('is Sesame’s own look for a tenant without branding, else its name, logo and accent', () => {
    assert.equal(brandOf(null), null);
    assert.equal(brandOf(tenant), null);
    assert.equal(brandOf({ ...tenant, branding: {} }), null);
    assert.deepEqual(brandOf({ ...tenant, branding: { accent: '#0055aa' } }), {
      name: 'Acme Corp',
      accent: '#0055aa',
      css: 'brand/acme.css',
    });
    assert.equal(brandOf({ ...tenant, branding: { displayName: 'ACME' } })?.name, 'ACME');
  });

  it('keeps every accent readable: button text black or white, accent text only at 4.5:1', () => {
    const dark = brandStylesheet({ css: 'brand/a.css', name: 'A', accent: '#0055aa' });
    assert.match(dark, /button:not\(\.secondary\)\{background:#0055aa;color:#ffffff\}/);
    assert.match(dark, /not \(prefers-color-scheme:dark\)\{\.brand\{color:#0055aa\}/);
    assert.doesNotMatch(
      dark,
      /^@media \(prefers-color-scheme:dark\)\{\.brand/m,
      'dark blue is unreadable on the dark card',
    );
    const light = brandStylesheet({ css: 'brand/a.css', name: 'A', accent: '#ffee00' });
    assert.match(light, /color:#000000/);
    assert.doesNotMatch(
      light,
      /not \(prefers-color-scheme:dark\)\{\.brand/,
      'yellow text on white is unreadable',
    );
    assert.match(
      light,
      /^@media \(prefers-color-scheme:dark\)\{\.brand\{color:#ffee00\}/m,
      'on the dark card it reads well',
    );
    for (const accent of ['#777777', '#ff0000', '#00ff00', '#0000ff', '#808080', '#ffffff', '#000000']) {
      const css = brandStylesheet({ css: 'brand/a.css', name: 'A', accent });
      const text = /color:(#[0-9a-f]{6})\}/.exec(css)?.[1] ?? '';
      assert.ok(contrast(accent, text) >= 4.5, `${accent} on ${text}`);
    }
    assert.equal(brandStylesheet({ css: 'brand/a.css', name: 'A', accent: 'red;}body{x' }), '');
    assert.equal(brandStylesheet(null), '');
  });
});

describe('app branding', () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(64),
  ]);
  const client = {
    clientId: 'shop',
    metadata: { client_name: 'The Shop' },
    roles: [],
    firstParty: true,
    createdAt: '2026-01-01T00:00:00Z',
  };

  it('takes a PNG, JPEG, GIF or WebP image by its own bytes, as a data: URL', () => {
    assert.match(appLogo(png), /^data:image\/png;base64,iVBORw0KGgo/);
    assert.match(appLogo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2])), /^data:image\/jpeg;base64,/);
    assert.match(appLogo(Buffer.from('GIF89a....')), /^data:image\/gif;base64,/);
    assert.match(appLogo(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), /^data:image\/webp;base64,/);
  });

  it('refuses SVG, other files, RIFF that is not WebP, and images over 24 KiB', () => {
    const refused = (image: Buffer) =>
      assert.throws(
        () => appLogo(image),
        (e: Error & { detail?: string }) => e.detail === 'logo_image',
      );
    refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    refused(Buffer.from('RIFF\0\0\0\0WAVEfmt '));
    refused(Buffer.from('hello'));
    refused(Buffer.concat([png, Buffer.alloc(LOGO_MAX_BYTES)]));
    assert.doesNotThrow(() => appLogo(Buffer.concat([png, Buffer.alloc(LOGO_MAX_BYTES - png.length)])));
  });

  it('checks a data: URL as it checks the image in it', () => {
    const url = appLogo(png);
    assert.equal(appLogoFromDataUrl(url), url);
    const svg = `data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}`;
    assert.throws(() => appLogoFromDataUrl(svg), /logo_image/, 'the declared type must match the bytes');
    assert.throws(() => appLogoFromDataUrl('javascript:alert(1)'), /logo_image/);
    assert.throws(() => appLogoFromDataUrl(`${url}"><script>`), /logo_image/);
  });

  it('shows an app’s name with its logo and accent, and nothing for an app without them', () => {
    assert.equal(appBrandOf(null), null);
    assert.equal(appBrandOf(client), null);
    assert.deepEqual(appBrandOf({ ...client, branding: { logo: appLogo(png), accent: '#112233' } }), {
      name: 'The Shop',
      logoUrl: appLogo(png),
      accent: '#112233',
      css: 'brand/app/shop.css',
    });
    assert.equal(checkAccent('#A0B1C2'), '#a0b1c2');
    assert.throws(() => checkAccent('red'), /accent/);
  });
});
