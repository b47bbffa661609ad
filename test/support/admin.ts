import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import type { AdminApiAccess, User } from '../../functions/domain/ports.ts';
import { adminResource } from '../../functions/oidc/admin-resource.ts';
import { totpNow } from './mfa.ts';
import { relyingParty } from './rp.ts';
import type { RunningSesame } from './sesame.ts';

/** An automation client with admin API access (client credentials only), as openid-client sees it. */
export async function automationClient(
  sesame: RunningSesame,
  clientId: string,
  adminApi: AdminApiAccess,
): Promise<oidc.Configuration> {
  const { config } = await relyingParty(sesame, {
    clientId,
    redirectUris: [],
    clientCredentials: true,
    adminApi,
  });
  return config;
}

/** A client-credentials token for the admin API. */
export async function adminToken(sesame: RunningSesame, config: oidc.Configuration): Promise<string> {
  const resource = adminResource(sesame.issuer);
  return (await oidc.clientCredentialsGrant(config, { scope: 'admin', resource })).access_token;
}

/** Gives `user` a confirmed authenticator (through the domain); returns its secret. */
export async function enrolTotp(sesame: RunningSesame, user: User): Promise<string> {
  const deps = sesame.parts.deps;
  const { secret } = await beginTotpEnrolment(deps, user, 'test');
  const code = await totpNow(sesame, secret);
  assert.ok(await confirmTotpEnrolment(deps, { userId: user.id, owner: 'test', code, actor: 'test' }));
  sesame.clock.advance(30_000); // the enrolment code's step is used up
  return secret;
}
