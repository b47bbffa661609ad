import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bundleAll } from '../../infra/bundle.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

const run = promisify(execFile);

/**
 * The exact bundle Lambda runs, started in a fresh Node process with nothing but its own folder,
 * answering an API Gateway REST proxy event for discovery — proof that the asset starts and serves.
 */
describe('the bundled Lambda handler', () => {
  let store: TestStore;
  let out: string;
  let dir: string;
  before(async () => {
    store = await startTestStore();
    out = mkdtempSync(join(tmpdir(), 'sesame-asset-'));
    dir = (await bundleAll(process.arch === 'arm64' ? 'arm64' : 'x64', out)).idp as string;
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await store.stop();
  });

  /** API Gateway REST proxy events for `paths`, answered in order by one fresh process. */
  async function serve(
    paths: string[],
  ): Promise<Array<{ statusCode: number; headers: Record<string, string>; body: string }>> {
    const events = paths.map((path) => ({
      resource: '/{proxy+}',
      path,
      httpMethod: 'GET',
      headers: { host: 'id.example.com', 'x-forwarded-proto': 'https' },
      multiValueHeaders: { host: ['id.example.com'], 'x-forwarded-proto': ['https'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { proxy: path.slice(1) },
      stageVariables: null,
      requestContext: {
        requestId: 'bundle-test',
        identity: { sourceIp: '127.0.0.1' },
        stage: 'live',
        httpMethod: 'GET',
        path,
      },
      body: null,
      isBase64Encoded: false,
    }));
    const script = `const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});
      const out = [];
      for (const event of ${JSON.stringify(events)}) out.push(await handler(event, { awsRequestId: 'bundle-test' }));
      process.stdout.write('\\n' + JSON.stringify(out)); process.exit(0);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env.PATH ?? '',
        SESAME_ISSUER: 'https://id.example.com',
        SESAME_PROXY: 'true',
        AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
        AWS_REGION: 'us-east-1',
        SESAME_TABLE_OIDC: store.tables.oidc,
        SESAME_TABLE_DIRECTORY: store.tables.directory,
        SESAME_TABLE_AUDIT: store.tables.audit,
      },
    });
    // The answers are the last line: the handler's own log lines (an audit event) come before them.
    return JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1));
  }

  it('serves the discovery document for an API Gateway event in a fresh process', async () => {
    const [res] = await serve(['/.well-known/openid-configuration']);
    assert.equal(res?.statusCode, 200);
    const discovery = JSON.parse(res?.body ?? '') as {
      issuer: string;
      token_endpoint: string;
      jwks_uri: string;
    };
    assert.equal(discovery.issuer, 'https://id.example.com');
    assert.equal(discovery.token_endpoint, 'https://id.example.com/token');
    assert.equal(discovery.jwks_uri, 'https://id.example.com/jwks');
  });

  it('loads the chunks of the admin API and the account page from the asset at their first request', async () => {
    const [openapi, account] = await serve(['/admin/api/v1/openapi.json', '/account']);
    assert.equal(openapi?.statusCode, 200);
    const document = JSON.parse(openapi?.body ?? '') as { openapi: string; paths: Record<string, unknown> };
    assert.match(document.openapi, /^3\.1/);
    assert.ok(Object.keys(document.paths).length > 10);
    // Not signed in: the account page sends the browser to sign in.
    assert.equal(account?.statusCode, 303);
  });

  it('loads the chunks of the rare sign-in steps from the asset at their first request', async () => {
    const token = `acme.${'a'.repeat(22)}.${'b'.repeat(43)}`;
    const [invitation, callback, loggedOut] = await serve([
      `/invitation/${token}`,
      '/federation/acme/callback',
      '/federation/acme/logged-out',
    ]);
    // No such invitation: its page says it is gone (the invitation's page and its domain both load).
    assert.equal(invitation?.statusCode, 410);
    assert.match(invitation?.body ?? '', /<html/);
    // A callback without a sign-in that Sesame started: refused, on the refusal page.
    assert.equal(callback?.statusCode, 400);
    assert.match(callback?.body ?? '', /<html/);
    // Back from an upstream's logout with nowhere Sesame's logout was going: the signed-out page.
    assert.equal(loggedOut?.statusCode, 200);
    assert.match(loggedOut?.body ?? '', /<html/);
  });
});
