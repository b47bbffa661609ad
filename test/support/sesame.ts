import { createSesame, type Sesame, sesameWithKeyRefresh } from '../../functions/app.ts';
import { type Config, type ConfigInput, parseConfig } from '../../functions/config/config.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import type { SecretStore } from '../../functions/domain/ports.ts';
import { createDynamoParts, type DynamoParts } from '../../functions/idp/parts.ts';
import { type HttpApiHandler, serveLambda } from '../../functions/local/lambda-http.ts';
import { type MailCatcher, startMailCatcher } from '../../functions/local/mail-catcher.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { startTestStore, type TestStore } from './store.ts';

export interface RunningSesame {
  issuer: string;
  config: Config;
  sesame: Sesame;
  parts: DynamoParts;
  clock: ManualClock;
  /** Every JSON log line written while it ran, for assertions (e.g. that no secret was logged). */
  logs: string[];
  store: TestStore;
  /** The real SMTP server Sesame's mail goes to. */
  mail: MailCatcher;
  close(): Promise<void>;
}

export interface StartOptions {
  issuerPath?: string;
  /**
   * The issuer's host instead of 127.0.0.1 (same loopback server): `localhost` for passkeys, whose
   * RP ID must be a domain, never an IP address (WebAuthn §5.1.3).
   */
  issuerHost?: string;
  dnsServers?: string[];
  /** The clock the domain (and, with `keyRefresh`, the key re-reads) runs on; default now, moved by hand. */
  clock?: ManualClock;
  /** Where the keys live (default: the directory table). */
  secrets?: SecretStore;
  /**
   * Serve as the Lambda handler does: keys re-read every 5 minutes of `clock` and the application
   * rebuilt when they changed (sesameWithKeyRefresh). `sesame` is then the first build.
   */
  keyRefresh?: boolean;
}

/**
 * Boots a real Sesame on a random 127.0.0.1 port: real DynamoDB-compatible store with fresh tables,
 * the Lambda handler behind the local API Gateway bridge, and a manual clock for lockout windows.
 */
export async function startSesame(
  overrides: Partial<ConfigInput> = {},
  existingStore?: TestStore,
  options: StartOptions = {},
): Promise<RunningSesame> {
  const store = existingStore ?? (await startTestStore());
  let handler: HttpApiHandler | undefined;
  const http = await serveLambda(
    (event, context) => {
      if (!handler) throw new Error('not ready');
      return handler(event, context);
    },
    { port: 0 },
  );
  const origin = options.issuerHost ? http.url.replace('//127.0.0.1:', `//${options.issuerHost}:`) : http.url;
  const issuer = `${origin}${options.issuerPath ?? ''}`;
  try {
    return await boot(
      issuer,
      http,
      store,
      overrides,
      (h) => {
        handler = h;
      },
      existingStore === undefined,
      options,
    );
  } catch (err) {
    // A failed boot must not leave servers running (the test runner would wait for them forever).
    await http.close();
    if (!existingStore) await store.stop();
    throw err;
  }
}

async function boot(
  issuer: string,
  http: Awaited<ReturnType<typeof serveLambda>>,
  store: TestStore,
  overrides: Partial<ConfigInput>,
  setHandler: (h: HttpApiHandler) => void,
  ownsStore: boolean,
  options: StartOptions,
): Promise<RunningSesame> {
  const mail = await startMailCatcher();
  const config = parseConfig({
    issuer,
    tables: store.tables,
    dynamodb: store.dynamodb,
    mail: { transport: 'smtp', smtpUrl: mail.url, from: 'Sesame <no-reply@sesame.test>' },
    ...overrides,
  });
  const logs: string[] = [];
  const logger = createLogger({ sink: (line) => logs.push(line), level: 'debug' });
  const clock = options.clock ?? new ManualClock(new Date());
  const parts = createDynamoParts(config, logger, {
    clock,
    ...(options.dnsServers ? { dnsServers: options.dnsServers } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  let sesame: Sesame;
  if (options.keyRefresh) {
    const current = sesameWithKeyRefresh(config, () => parts, { now: () => clock.now().getTime() });
    sesame = await current();
    setHandler(async (event, context) => (await current()).handler(event, context));
  } else {
    sesame = await createSesame(config, parts);
    setHandler(sesame.handler);
  }
  return {
    issuer,
    config,
    sesame,
    parts,
    clock,
    logs,
    store,
    mail,
    close: async () => {
      await http.close();
      await mail.close();
      parts.close();
      if (ownsStore) await store.stop();
    },
  };
}
