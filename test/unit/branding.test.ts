import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brandOf, brandStylesheet, contrast } from '../../functions/domain/branding.ts';

describe('tenant branding', () => {
  const tenant = { id: 'acme', name: 'Acme Corp', createdAt: '2026-01-01T00:00:00Z' };

  it('is Sesame’s own look for a tenant without branding, else its name, logo and accent', () => {
    assert.equal(brandOf(null), null);
    assert.equal(brandOf(tenant), null);
    assert.equal(brandOf({ ...tenant, branding: {} }), null);
    assert.deepEqual(brandOf({ ...tenant, branding: { accent: '#0055aa' } }), {
      tenantId: 'acme',
      name: 'Acme Corp',
      accent: '#0055aa',
    });
    assert.equal(brandOf({ ...tenant, branding: { displayName: 'ACME' } })?.name, 'ACME');
  });

  it('keeps every accent readable: button text black or white, accent text only at 4.5:1', () => {
    const dark = brandStylesheet({ tenantId: 'a', name: 'A', accent: '#0055aa' });
    assert.match(dark, /button:not\(\.secondary\)\{background:#0055aa;color:#ffffff\}/);
    assert.match(dark, /\.brand\{color:#0055aa\}/);
    const light = brandStylesheet({ tenantId: 'a', name: 'A', accent: '#ffee00' });
    assert.match(light, /color:#000000/);
    assert.doesNotMatch(light, /\.brand\{/, 'yellow text on white would be unreadable');
    for (const accent of ['#777777', '#ff0000', '#00ff00', '#0000ff', '#808080', '#ffffff', '#000000']) {
      const css = brandStylesheet({ tenantId: 'a', name: 'A', accent });
      const text = /color:(#[0-9a-f]{6})\}/.exec(css)?.[1] ?? '';
      assert.ok(contrast(accent, text) >= 4.5, `${accent} on ${text}`);
    }
    assert.equal(brandStylesheet({ tenantId: 'a', name: 'A', accent: 'red;}body{x' }), '');
    assert.equal(brandStylesheet(null), '');
  });
});
