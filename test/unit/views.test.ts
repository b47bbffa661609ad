import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAllTemplates, renderPage } from '../../functions/views/index.ts';
// The account page and the console add their pages when they load (at first use).
import '../../functions/account/page.ts';
import '../../functions/console/routes.ts';
// So do the sign-in steps few take.
import '../../functions/interactions/invitation-pages.ts';
import '../../functions/interactions/link.ts';
import '../../functions/interactions/password-reset.ts';

describe('page templates', () => {
  it('all compile (they are compiled when first needed, so a broken one would otherwise wait for its page)', () => {
    assert.ok(compileAllTemplates() > 10);
    assert.match(
      renderPage('consoleMessage', 'Console', '/base', { heading: 'h', message: 'm', path: '/base/admin' }),
      /Console/,
    );
  });

  it('renders a page into the layout, escaping what it is given', () => {
    const html = renderPage('error', '<b>Title</b>', '/base', {
      heading: '<i>h</i>',
      message: 'm',
      code: 'c',
    });
    assert.match(html, /&lt;b&gt;Title&lt;\/b&gt; · Sesame/);
    assert.match(html, /href="\/base\/static\/sesame\.css"/);
    assert.doesNotMatch(html, /<i>h<\/i>/);
  });
});
