import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { DomainDeps } from '../../deps.ts';
import { type AttemptContext, audit, tenantOfUser } from '../../deps.ts';
import type { Credential } from '../../ports.ts';
import { authenticatorName } from './aaguids.ts';
import { holdChallenge, takeChallenge } from './challenge.ts';
import {
  keyOfId,
  MAX_PASSKEYS,
  type PasskeyItem,
  parseResponse,
  passkeysIn,
  relyingParty,
  shortId,
  TYPE,
  toData,
} from './item.ts';
import { transportsOf } from './strategy.ts';
import { loadWebAuthn, type WebAuthn } from './webauthn.ts';

/** One passkey as the account page lists it (no key material, no full credential id). */
export interface PasskeyView {
  /** Names it in the page's forms (the item's key: a digest, not the credential id). */
  ref: string;
  name: string;
  /** The authenticator's name from its AAGUID, where known. */
  authenticator?: string;
  createdAt: number;
  lastUsedAt?: number;
  synced: boolean;
}

export function passkeyViews(credentials: readonly Credential[]): PasskeyView[] {
  return passkeysIn(credentials).map((p) => {
    const authenticator = authenticatorName(p.aaguid);
    return {
      ref: p.key,
      name: p.name,
      ...(authenticator ? { authenticator } : {}),
      createdAt: p.createdAt,
      ...(p.lastUsedAt !== undefined ? { lastUsedAt: p.lastUsedAt } : {}),
      synced: p.deviceType === 'multiDevice',
    };
  });
}

export { MAX_PASSKEYS };

const MAX_NAME = 60;

/** `account:<session>`: a registration is answered only in the account-page session that began it. */
const owner = (session: string) => `account:${session}`;

export function cleanName(name: string): string {
  return name
    .replace(/\p{C}+/gu, ' ')
    .trim()
    .slice(0, MAX_NAME);
}

/**
 * Options for `navigator.credentials.create()`: a challenge bound to the account-page `session`,
 * the user's existing passkeys excluded (one authenticator registers once), resident key preferred
 * (so the same passkey can later sign in without a password), user verification preferred.
 * Attestation `none` unless an AAGUID allow-list is configured. Null at the limit, or not offered.
 */
export async function beginPasskeyRegistration(
  deps: DomainDeps,
  input: { user: { id: string; email: string }; session: string },
): Promise<PublicKeyCredentialCreationOptionsJSON | null> {
  if (!deps.config.mfa.factors.includes('passkey')) return null;
  const existing = passkeysIn(await deps.credentials.list(input.user.id));
  if (existing.length >= MAX_PASSKEYS) return null;
  const { rpID } = relyingParty(deps.config.issuer);
  const { generateRegistrationOptions } = await loadWebAuthn();
  const options = await generateRegistrationOptions({
    rpName: `Sesame (${rpID})`,
    rpID,
    userName: input.user.email,
    userID: new TextEncoder().encode(input.user.id),
    attestationType: deps.config.mfa.passkeyAaguids.length > 0 ? 'direct' : 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: 5 * 60 * 1000,
  });
  await holdChallenge(deps, input.user.id, owner(input.session), 'register', options.challenge);
  return options;
}

export type RegistrationOutcome =
  | { ok: true; name: string }
  | { ok: false; reason: 'invalid' | 'not_allowed' | 'limit' };

/**
 * Checks the browser's answer against the challenge of this session (taken once), Sesame's origin
 * and RP ID, and — with an allow-list — an attestation statement for a listed AAGUID; then stores the
 * public key. Audited; the caller mails the user.
 */
export async function finishPasskeyRegistration(
  deps: DomainDeps,
  input: { userId: string; session: string; response: string; name: string; context?: AttemptContext },
): Promise<RegistrationOutcome> {
  const invalid = { ok: false, reason: 'invalid' } as const;
  const response = parseResponse<RegistrationResponseJSON>(input.response);
  if (!response) return invalid;
  const matches = await takeChallenge(deps, input.userId, owner(input.session), 'register');
  if (!matches) return invalid;
  const { rpID, origin } = relyingParty(deps.config.issuer);
  let info: Extract<
    Awaited<ReturnType<WebAuthn['verifyRegistrationResponse']>>,
    { verified: true }
  >['registrationInfo'];
  try {
    const { verifyRegistrationResponse } = await loadWebAuthn();
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: matches,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
    if (!result.verified) return invalid;
    info = result.registrationInfo;
  } catch {
    return invalid;
  }
  const allowed = deps.config.mfa.passkeyAaguids;
  const tenant = await tenantOfUser(deps, input.userId);
  if (allowed.length > 0 && (info.fmt === 'none' || !allowed.includes(info.aaguid))) {
    await audit(
      deps,
      {
        type: 'mfa.passkey.refused',
        outcome: 'failure',
        actor: input.userId,
        target: input.userId,
        tenant,
        details: { reason: 'aaguid_not_allowed', aaguid: info.aaguid },
      },
      input.context,
    );
    return { ok: false, reason: 'not_allowed' };
  }
  const existing = passkeysIn(await deps.credentials.list(input.userId));
  if (existing.length >= MAX_PASSKEYS) return { ok: false, reason: 'limit' };
  const name = cleanName(input.name) || authenticatorName(info.aaguid) || 'Passkey';
  const item: Omit<PasskeyItem, 'key'> = {
    id: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (info.credential.transports ?? []).join(','),
    aaguid: info.aaguid,
    name,
    createdAt: deps.clock.now().getTime(),
    deviceType: info.credentialDeviceType,
    userVerified: info.userVerified,
  };
  const key = await keyOfId(deps, item.id);
  if (!(await deps.credentials.put(input.userId, { type: TYPE, key, data: toData(item) }, { absent: true })))
    return invalid;
  await audit(
    deps,
    {
      type: 'mfa.passkey.registered',
      outcome: 'success',
      actor: input.userId,
      target: input.userId,
      tenant,
      details: { credential: shortId(item.id), aaguid: item.aaguid, userVerified: item.userVerified },
    },
    input.context,
  );
  return { ok: true, name };
}

/** The item of one passkey by the page's `ref`, or null. */
export function passkeyByRef(credentials: readonly Credential[], ref: string): PasskeyItem | null {
  return passkeysIn(credentials).find((p) => p.key === ref) ?? null;
}
