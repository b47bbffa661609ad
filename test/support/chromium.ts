import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, with the flags this sandbox needs (no background networking: the
 * machine has no internet and refused connections slow Chromium down). Playwright gives every
 * launch a fresh temporary profile.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, close: () => browser.close() };
}
