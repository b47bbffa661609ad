import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { generate } from 'otplib';
import type { Page } from './browserless.ts';
import { REDIRECT, redeem, type Started } from './rp.ts';
import type { RunningSesame } from './sesame.ts';

/** The TOTP code an authenticator shows at `atMs` (computed with otplib, like the app would). */
export function totpAt(secret: string, atMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000) });
}

export function totpNow(sesame: RunningSesame, secret: string, offsetSteps = 0): Promise<string> {
  return totpAt(secret, sesame.clock.now().getTime() + offsetSteps * 30_000);
}

/** The secret shown for manual entry on the enrolment page. */
export function secretOnPage(page: Page): string {
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.html)?.[1];
  assert.ok(secret, 'enrolment page shows the secret');
  return secret;
}

export function recoveryCodesOnPage(page: Page): string[] {
  return [...page.html.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] as string);
}

/** Submits a second-factor code on the MFA page. */
export function submitCode(s: Started, page: Page, method: string, code: string): Promise<Page> {
  return s.browser.submit(page, '/mfa/verify', { method, code }, REDIRECT);
}

/** From a page that may be the consent screen (prompt=consent for offline_access) to the tokens. */
export async function completeSignIn(config: oidc.Configuration, s: Started, page: Page) {
  const callback = page.html.includes('/confirm"')
    ? await s.browser.submit(page, '/confirm', {}, REDIRECT)
    : page;
  assert.ok(callback.url.startsWith(REDIRECT), `expected the callback, got status ${callback.status}`);
  return redeem(config, s, callback.url);
}

/** The parsed JSON log lines of one audit event type. */
export function audits(sesame: RunningSesame, type: string, target?: string) {
  return sesame.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'audit' && l.type === type && (target === undefined || l.target === target));
}
