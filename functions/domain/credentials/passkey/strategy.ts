import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { DomainDeps } from '../../deps.ts';
import { audit, tenantOfUser } from '../../deps.ts';
import type { SecondStep } from '../strategy.ts';
import { authenticatorName } from './aaguids.ts';
import { holdChallenge, takeChallenge } from './challenge.ts';
import {
  challengesIn,
  MAX_PASSKEYS,
  type PasskeyItem,
  parseResponse,
  passkeyById,
  passkeysIn,
  relyingParty,
  shortId,
  TYPE,
} from './item.ts';
import { loadWebAuthn, type WebAuthn } from './webauthn.ts';

/**
 * Passkeys (WebAuthn Level 3) as a second step. The assertion is a signature over a challenge
 * Sesame handed out for this very sign-in, bound by the browser to Sesame's origin: a look-alike
 * site can neither relay nor replay it, so it is the phishing-resistant factor (NIST SP 800-63B-4
 * §3.2.5). Counting wrong answers is the attempt guard's job, as for every second step.
 */
const owner = (uid: string) => `sign-in:${uid}`;
export const transportsOf = (p: PasskeyItem) =>
  p.transports ? (p.transports.split(',') as AuthenticatorTransportFuture[]) : [];

export const passkey: SecondStep = {
  method: 'passkey',
  step: 'second',
  // The default when a use doesn't say: a key that may be synced (RFC 8176 `swk`), user presence.
  amr: ['swk', 'user'],
  strength: 'phishing-resistant',
  usableIn: (config, credentials) =>
    config.mfa.factors.includes('passkey') && passkeysIn(credentials).length > 0,
  status: (credentials) => {
    const items = passkeysIn(credentials).map((p) => {
      const kind = authenticatorName(p.aaguid);
      return {
        ref: p.key,
        name: p.name,
        ...(kind ? { kind } : {}),
        createdAt: p.createdAt,
        ...(p.lastUsedAt !== undefined ? { lastUsedAt: p.lastUsedAt } : {}),
      };
    });
    return items.length > 0 ? { on: true, items, full: items.length >= MAX_PASSKEYS } : { on: false };
  },
  async verify(deps, { userId, uid, code, used }) {
    const response = parseResponse<AuthenticationResponseJSON>(code);
    if (!response) return false;
    // Taken before the signature is checked: a challenge gets one answer, right or wrong.
    const matches = await takeChallenge(deps, userId, owner(uid), 'sign-in');
    if (!matches) return false;
    // Verification is asked for (`preferred`) and recorded, not demanded: the password was the
    // knowledge factor already.
    const checked = await checkAssertion(deps, { userId, response, matches, requireUserVerification: false });
    if (!checked) return false;
    used?.(checked.amr, { userVerified: checked.userVerified, credential: checked.credential });
    return true;
  },
  async remove(deps, userId) {
    const credentials = await deps.credentials.list(userId);
    for (const p of passkeysIn(credentials))
      await deps.credentials.delete(userId, { type: TYPE, key: p.key });
    for (const c of challengesIn(credentials))
      await deps.credentials.delete(userId, { type: TYPE, key: c.key });
  },
};

/** What a checked assertion showed: the key's `amr` (hardware- or software-held), and user verification. */
export interface Assertion {
  amr: readonly string[];
  userVerified: boolean;
  /** The first characters of the credential id, for the audit trail. */
  credential: string;
}

/**
 * Checks an assertion by one of `userId`'s passkeys against a challenge already taken (`matches`),
 * Sesame's origin and RP ID; then the signature counter (a regression is audited: a copied key) and,
 * with a compare-and-set on the counter read, records the use. Null for any failure. Both ways a
 * passkey is used — after a password, and alone — come through here.
 */
export async function checkAssertion(
  deps: DomainDeps,
  input: {
    userId: string;
    response: AuthenticationResponseJSON;
    matches: (challenge: string) => Promise<boolean>;
    requireUserVerification: boolean;
    /** The user's passkeys, when the caller read them already (the counter is compared-and-set anyway). */
    stored?: readonly PasskeyItem[];
  },
): Promise<Assertion | null> {
  const { userId, response } = input;
  const stored = input.stored ?? passkeysIn(await deps.credentials.list(userId));
  const found = await passkeyById(deps, stored, response.id);
  if (!found) return null;
  const { rpID, origin } = relyingParty(deps.config.issuer);
  let info: Awaited<ReturnType<WebAuthn['verifyAuthenticationResponse']>>['authenticationInfo'];
  try {
    const { verifyAuthenticationResponse } = await loadWebAuthn();
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: input.matches,
      expectedOrigin: origin,
      expectedRPID: rpID,
      // Counter 0 here: the regression check is ours below, so that it can be audited.
      credential: {
        id: found.id,
        publicKey: Buffer.from(found.publicKey, 'base64url'),
        counter: 0,
        transports: transportsOf(found),
      },
      requireUserVerification: input.requireUserVerification,
    });
    if (!result.verified) return null;
    info = result.authenticationInfo;
  } catch {
    return null;
  }
  // A counter that did not grow (when either side counts) means the key was copied (WebAuthn §6.1.1).
  if ((info.newCounter > 0 || found.counter > 0) && info.newCounter <= found.counter) {
    await audit(deps, {
      type: 'mfa.passkey.counter_regression',
      outcome: 'failure',
      actor: userId,
      target: userId,
      tenant: await tenantOfUser(deps, userId),
      details: { credential: shortId(found.id), stored: found.counter, received: info.newCounter },
    });
    return null;
  }
  const now = deps.clock.now().getTime();
  // Compare-and-set on the counter read: of two uses racing on one counter value one wins.
  const updated = await deps.credentials.update(
    userId,
    { type: TYPE, key: found.key },
    {
      set: {
        counter: info.newCounter,
        lastUsedAt: now,
        userVerified: info.userVerified,
        deviceType: info.credentialDeviceType,
      },
    },
    { present: { counter: found.counter } },
  );
  if (!updated) return null;
  return {
    amr: [info.credentialDeviceType === 'singleDevice' ? 'hwk' : 'swk', 'user'],
    userVerified: info.userVerified,
    credential: shortId(found.id),
  };
}

/**
 * The options for the browser's `navigator.credentials.get()` in sign-in `uid`: this user's passkeys
 * only, and a fresh challenge bound to the sign-in (replacing any earlier one). Null when the user
 * has none.
 */
export async function passkeySignInOptions(
  deps: DomainDeps,
  input: { userId: string; uid: string },
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const credentials = await deps.credentials.list(input.userId);
  if (!passkey.usableIn(deps.config, credentials)) return null;
  const { generateAuthenticationOptions } = await loadWebAuthn();
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config.issuer).rpID,
    allowCredentials: passkeysIn(credentials).map((p) => ({ id: p.id, transports: transportsOf(p) })),
    userVerification: 'preferred',
    timeout: 5 * 60 * 1000,
  });
  await holdChallenge(deps, input.userId, owner(input.uid), 'sign-in', options.challenge);
  return options;
}
