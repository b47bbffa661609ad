import { createDynamo } from '../adapters/dynamodb/client.ts';
import { ensureTables } from '../adapters/dynamodb/tables.ts';
import { LOCAL_DIR, openLocalStore } from '../adapters/embedded/local-store.ts';
import { createSesame } from '../app.ts';
import { type Config, configFromEnv } from '../config/config.ts';
import { createDynamoParts } from '../idp/parts.ts';
import { createLogger } from '../shared/logger.ts';
import { startDemoApp } from './demo-app.ts';
import { seedDemo } from './demo-seed.ts';
import { startDemoUpstream } from './demo-upstream.ts';
import { serveLambda } from './lambda-http.ts';
import { type CaughtMail, startMailCatcher } from './mail-catcher.ts';

/** Local mail is printed, not delivered: this is where a developer reads e-mailed sign-in codes. */
function printMail(mail: CaughtMail): void {
  process.stdout.write(
    `\n  ── mail to ${mail.to.join(', ')}: ${mail.subject}\n${mail.text.replace(/^/gm, '  │ ')}\n`,
  );
}

/**
 * `npm start`: the whole of Sesame on one machine — an embedded DynamoDB-compatible store (data in
 * .sesame/), the same Lambda handler served over HTTP, and a demo relying app.
 */
async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.PORT ?? 3000);
  const store = await openLocalStore({ listen: true });
  // A free port unless one is asked for: two checkouts on one machine must not collide.
  const mail = await startMailCatcher({ port: Number(env.SESAME_SMTP_PORT ?? 0), onMail: printMail });
  const config: Config = configFromEnv({
    SESAME_MAIL_TRANSPORT: 'smtp',
    SESAME_SMTP_URL: mail.url,
    ...env,
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_ACCESS_KEY_ID: '',
  });
  const dynamo = createDynamo(config);
  await ensureTables(dynamo.raw, config);

  const logger = createLogger({ level: config.logLevel });
  const parts = createDynamoParts(config, logger);
  const sesame = await createSesame(config, parts);
  const http = await serveLambda(sesame.handler, { port, host: env.HOST ?? '127.0.0.1' });

  const demoPort = Number(env.SESAME_DEMO_PORT ?? port + 1);
  const demo = await seedDemo(parts, config, demoPort);
  const demoApp = await startDemoApp({ issuer: config.issuer, port: demoPort, ...demo.client });
  const upstream = await startDemoUpstream(parts, {
    issuer: config.issuer,
    port: Number(env.SESAME_DEMO_UPSTREAM_PORT ?? port + 2),
    demoClientId: demo.client.clientId,
  });

  process.stdout.write(`
  Sesame is running.
    Issuer (OIDC discovery): ${config.issuer}/.well-known/openid-configuration
    Demo app (a DEMO relying party): ${demoApp.url}
    Sign in as ${demo.user.email} with password: ${demo.user.password}
    or with "Sign in with Demo Corp (demo upstream)": a MOCK Entra ID at ${upstream.url}
      that signs you in as ${upstream.user} without asking (federation, not a real provider)
    Your account (factors, password): ${config.issuer}/account
    Admin console: ${config.issuer}/admin — as ${demo.tenantAdmin?.email} (administrator of tenant
      ${demo.tenantAdmin?.tenant}) with password: ${demo.tenantAdmin?.password} and the code e-mailed here
    Admin API: ${config.issuer}/admin/api/v1 (OpenAPI: ${config.issuer}/admin/api/v1/openapi.json)
    Mail (MFA codes, notifications) is caught by the SMTP server on ${mail.url} and printed here.
    Data: ${LOCAL_DIR} (delete it to start over)   Admin: npm run admin -- --help
    Press Ctrl-C to stop.
`);

  const stop = async () => {
    await Promise.allSettled([http.close(), demoApp.close(), mail.close(), upstream.mock.close()]);
    dynamo.raw.destroy();
    await store.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Sesame could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
