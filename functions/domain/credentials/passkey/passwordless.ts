import { randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { guardAttempt } from '../../attempt-guard.ts';
import { type AttemptContext, audit, auditTenant, type DomainDeps } from '../../deps.ts';
import { livePending } from '../../mfa/sign-in.ts';
import type { User } from '../../ports.ts';
import { CHALLENGE_TTL_MS, parseResponse, passkeyById, passkeysIn, relyingParty } from './item.ts';
import { type Assertion, checkAssertion } from './strategy.ts';

/**
 * A passkey as the whole sign-in ("Sign in with a passkey", and the browser's autofill on the login
 * page): the user is not known until the browser answers. The options ask for any discoverable
 * credential of this RP and demand user verification (a PIN or biometrics on the authenticator):
 * then the one passkey is two factors — something held, and something known or been — and it is
 * phishing-resistant, so the sign-in reaches `urn:sesame:acr:mfa:phr` on its own.
 *
 * The challenge travels in the login page, so that the browser can offer passkeys in the e-mail
 * field's autofill as the page opens, without a further request or a write for every page shown. It
 * is sealed to the interaction instead of stored: `<issued>.<nonce>.<MAC of uid, issued and nonce>`
 * (the MFA key set's HMAC, SecretBox.digest). An answer counts only for a challenge Sesame sealed for
 * this interaction, within 5 minutes of issue, and once: its nonce is spent with a conditional write
 * (SignInStore.spendPasskeyChallenge) as the signature is checked.
 *
 * The answer names its user by the `userHandle` the passkey was registered with (the user's id): the
 * assertion is then checked through the attempt guard like every credential, so wrong answers count
 * towards that user's lockout, and a locked or disabled user is refused.
 */

const macInput = (uid: string, issued: number, nonce: string) => `passkey:sign-in:${uid}:${issued}:${nonce}`;
const SEALED = /^(\d{1,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
/** Containers' clocks differ a little: a challenge issued by one slightly ahead is still accepted. */
const SKEW_MS = 60_000;

/**
 * Options for `navigator.credentials.get()` in sign-in `uid`; null when passkeys are not offered.
 * Built here rather than by the WebAuthn library: they are a challenge and four constants, and the
 * login page of every password sign-in shows them, which should not load the library.
 */
export async function passwordlessOptions(
  deps: DomainDeps,
  uid: string,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  if (!deps.config.mfa.factors.includes('passkey')) return null;
  const issued = deps.clock.now().getTime();
  const nonce = randomBytes(16).toString('base64url');
  const mac = await deps.box.digest(macInput(uid, issued, nonce));
  return {
    challenge: Buffer.from(`${issued}.${nonce}.${mac}`).toString('base64url'),
    rpId: relyingParty(deps.config.issuer).rpID,
    allowCredentials: [],
    userVerification: 'required',
    timeout: CHALLENGE_TTL_MS,
  };
}

/** The nonce and issue time of a challenge Sesame sealed for sign-in `uid`, unexpired; null otherwise. */
async function opened(
  deps: DomainDeps,
  uid: string,
  challenge: string,
): Promise<{ issued: number; nonce: string } | null> {
  const match = SEALED.exec(Buffer.from(challenge, 'base64url').toString('utf8'));
  if (!match) return null;
  const [, issuedText = '', nonce = '', mac = ''] = match;
  const issued = Number(issuedText);
  const now = deps.clock.now().getTime();
  if (issued > now + SKEW_MS || now >= issued + CHALLENGE_TTL_MS) return null;
  const expected = Buffer.from(await deps.box.digest(macInput(uid, issued, nonce)));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { issued, nonce };
}

/** Whether the browser signed a challenge sealed for sign-in `uid`, unexpired and unspent; spends it. */
function sealedFor(deps: DomainDeps, uid: string): (challenge: string) => Promise<boolean> {
  return async (challenge) => {
    const seal = await opened(deps, uid, challenge);
    if (!seal) return false;
    return deps.signIns.spendPasskeyChallenge(uid, seal.nonce, seal.issued + CHALLENGE_TTL_MS);
  };
}

/** The challenge in the answer's client data (not yet checked by anyone), or ''. */
function challengeOf(response: AuthenticationResponseJSON): string {
  try {
    const data = JSON.parse(Buffer.from(String(response.response.clientDataJSON), 'base64url').toString());
    return typeof data?.challenge === 'string' ? data.challenge : '';
  } catch {
    return '';
  }
}

export type PasskeySignIn =
  | { ok: true; user: User; amr: string[] }
  | {
      ok: false;
      reason: 'invalid' | 'unknown_user' | 'locked' | 'disabled' | 'wrong' | 'refused' | 'taken';
    };

/** A user id as `userHandle` carries it (registration.ts encodes the id's UTF-8), or null. */
export function userOfHandle(handle: unknown): string | null {
  if (typeof handle !== 'string' || handle.length > 256) return null;
  const id = Buffer.from(handle, 'base64url').toString('utf8');
  return /^[A-Za-z0-9_-]{1,128}$/.test(id) ? id : null;
}

/**
 * An account that signs in through an upstream only (no Sesame password, a link): its passkey is a
 * second factor after the upstream, never a way in without it. Otherwise a user whom the company's
 * identity provider no longer signs in (left, disabled there) would go on signing in with the passkey
 * added on /account, past the federated sign-in's maximum lifetime (lifetimes.ts) — the rule the
 * password reset keeps for the same accounts (password-reset.ts `elsewhere`).
 */
async function upstreamOnly(deps: DomainDeps, user: User): Promise<boolean> {
  return user.passwordHash === null && (await deps.links.byUser(user.id)).length > 0;
}

/** Whether interaction `uid` is bound to a pending second-factor sign-in of a user other than `userId`. */
async function pendingForAnother(deps: DomainDeps, uid: string, userId: string): Promise<boolean> {
  const pending = await livePending(deps, uid);
  return pending !== null && pending.userId !== userId;
}

/**
 * Checks the browser's answer for sign-in `uid`. `refuse`: a reason to refuse a right passkey anyway
 * (a tenant that signs in through its connections only), as for the password. Refused as well, before
 * anything is recorded as a success: an account that signs in through an upstream only, and a sign-in
 * whose interaction is bound to another user's pending second step (`taken`). Audited either way:
 * `login.success` says it was a passkey and that the user was verified.
 */
export async function passwordlessSignIn(
  deps: DomainDeps,
  input: {
    uid: string;
    response: string;
    context?: AttemptContext;
    refuse?: (user: User) => Promise<string | null>;
  },
): Promise<PasskeySignIn> {
  const context = input.context ?? {};
  // Passkeys switched off in the configuration sign nobody in (a page sealed before the switch neither).
  const offered = deps.config.mfa.factors.includes('passkey');
  const response = offered ? parseResponse<AuthenticationResponseJSON>(input.response) : null;
  const userId = userOfHandle(response?.response?.userHandle);
  if (!response || !userId) {
    await refusedUnclaimed(deps, 'bad_passkey_answer', context);
    return { ok: false, reason: 'invalid' };
  }
  // An answer to a challenge that is not this sign-in's, or has expired (a login page left open), is
  // no guess at the user's passkey: refused before the attempt is claimed, so it counts towards no
  // lockout (and is not audited as the user's failure). The library checks the seal again and spends it.
  if (!(await opened(deps, input.uid, challengeOf(response)))) {
    await refusedUnclaimed(deps, 'stale_passkey_challenge', context);
    return { ok: false, reason: 'wrong' };
  }
  // Nor is an answer by a passkey the user does not have: one removed on /account (or by an
  // administrator's reset) that the phone's password manager still offers in the autofill, or anyone's
  // key with this user's handle (the user id is every app's `sub`). It can never succeed, so counting
  // it would only lock the user out — password included — for whoever knows the id. Refused without
  // claiming an attempt; an answer by one of the user's passkeys that fails (signature, no user
  // verification, a counter that went back) still counts.
  const stored = passkeysIn(await deps.credentials.list(userId));
  if (!(await passkeyById(deps, stored, response.id))) {
    await refusedUnclaimed(deps, 'unknown_passkey', context);
    return { ok: false, reason: 'wrong' };
  }
  let checked: Assertion | null = null;
  let taken = false;
  const outcome = await guardAttempt(deps, {
    userId,
    failureType: 'login.failure',
    wrongReason: 'bad_passkey',
    context,
    verify: async () => {
      checked = await checkAssertion(deps, {
        userId,
        response,
        matches: sealedFor(deps, input.uid),
        requireUserVerification: true,
        stored,
      });
      return checked !== null;
    },
    // A verified passkey is the strongest sign-in there is: nothing further is asked for.
    completes: () => true,
    refuse: async (user) => {
      if (await pendingForAnother(deps, input.uid, user.id)) {
        taken = true;
        return 'sign_in_taken';
      }
      if (await upstreamOnly(deps, user)) return 'upstream_only';
      return (await input.refuse?.(user)) ?? null;
    },
  });
  const assertion = checked as Assertion | null;
  if (!outcome.ok || !assertion) {
    const reason = !outcome.ok ? outcome.reason : 'wrong';
    if (reason === 'refused' && taken) return { ok: false, reason: 'taken' };
    return { ok: false, reason: reason === 'replayed' ? 'wrong' : reason };
  }
  await audit(
    deps,
    {
      type: 'login.success',
      outcome: 'success',
      actor: outcome.user.id,
      target: outcome.user.id,
      tenant: auditTenant(outcome.user),
      details: { method: 'passkey', userVerified: assertion.userVerified, credential: assertion.credential },
    },
    context,
  );
  return { ok: true, user: outcome.user, amr: [...assertion.amr, 'mfa'] };
}

/** An answer refused before any attempt was claimed (it names nobody it could be a guess for): audited. */
function refusedUnclaimed(deps: DomainDeps, reason: string, context: AttemptContext): Promise<void> {
  return audit(
    deps,
    {
      type: 'login.failure',
      outcome: 'failure',
      actor: 'anonymous',
      tenant: null,
      reason,
      details: { method: 'passkey' },
    },
    context,
  );
}
