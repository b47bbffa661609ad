import { type ClientRegistration, registerClient } from '../../functions/domain/clients.ts';
import { type DemoApp, startDemoApp } from '../../functions/local/demo-app.ts';
import { launchChromium } from './chromium.ts';
import { freePort } from './ports.ts';
import { type RunningSesame, startSesame } from './sesame.ts';

export interface BrowserRig {
  sesame: RunningSesame;
  demo: DemoApp;
  chromium: Awaited<ReturnType<typeof launchChromium>>;
  close(): Promise<void>;
}

/**
 * What every browser test needs: a real Sesame, an app registered for the demo relying party on a
 * free loopback port, that demo app, and headless Chromium. `close` stops whatever was started.
 */
export async function startBrowserRig(
  app: Omit<ClientRegistration, 'redirectUris' | 'postLogoutRedirectUris' | 'initiateLoginUri'>,
  /** `initiateLogin`: the app starts sign-ins at its /login (where invitations send the invitee). */
  options: { initiateLogin?: boolean; issuerHost?: string } = {},
): Promise<BrowserRig> {
  const rig: Partial<BrowserRig> = {};
  const close = async () => {
    await rig.chromium?.close();
    await rig.demo?.close();
    await rig.sesame?.close();
  };
  try {
    rig.sesame = await startSesame(
      {},
      undefined,
      options.issuerHost ? { issuerHost: options.issuerHost } : {},
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { clientSecret } = await registerClient(
      rig.sesame.parts.deps.clients,
      {
        ...app,
        redirectUris: [`${base}/callback`],
        postLogoutRedirectUris: [`${base}/`],
        ...(options.initiateLogin ? { initiateLoginUri: `${base}/login` } : {}),
      },
      new Date(),
    );
    rig.demo = await startDemoApp({
      issuer: rig.sesame.issuer,
      clientId: app.clientId,
      clientSecret: clientSecret ?? '',
      port,
    });
    rig.chromium = await launchChromium();
    return { sesame: rig.sesame, demo: rig.demo, chromium: rig.chromium, close };
  } catch (err) {
    await close();
    throw err;
  }
}
