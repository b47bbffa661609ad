import type { Method, Strength } from '../config/methods.ts';
import type { Brand } from '../domain/branding.ts';
import type { InvitationView } from '../domain/invitations.ts';
import type { PasswordPolicy, Violation } from '../domain/password-policy.ts';
import type { PendingSignIn, User } from '../domain/ports.ts';
import type { Locale } from '../i18n/index.ts';

/** What the interaction pages need from the domain, wired in functions/app.ts. */
export interface RequestInfo {
  ip: string;
  userAgent: string;
  clientId: string;
}

/**
 * What the password step learnt about the user and the second-factor step needs too, so that it
 * is not read again (no password hash: the interaction pages have no use for it).
 */
export type SignedInUser = Pick<User, 'id' | 'disabled' | 'requireMfa' | 'tenantId' | 'factorsNeverAdded'> &
  Partial<Pick<User, 'credentialsChangedAt'>>;

/** `federationOnly`: the password was right, but the user's tenant signs in through its connections only. */
export type LoginResult =
  | { ok: true; userId: string; user: SignedInUser }
  | { ok: false; federationOnly?: true };

export interface InteractionServices {
  /**
   * Password sign-in with lockout. `{ok:false}` never says why: the page shows one message.
   * `secondStepNeeded` is asked after the right password, before the lockout counter is settled:
   * a sign-in that still needs its second factor does not reset it.
   */
  login(input: {
    email: string;
    password: string;
    info: RequestInfo;
    secondStepNeeded: (user: SignedInUser) => Promise<boolean>;
  }): Promise<LoginResult>;
  /** "Sign in with a passkey": the passkey alone, verified by the user, signs in (domain/credentials/passkey/passwordless.ts). */
  passkey: PasskeySignInServices;
  /**
   * Says, before the interaction is read, that this request will sign `email` in with a password,
   * so the directory read it needs can ride with the interaction's (one round trip, not two).
   */
  expectSignIn?(email: string): void;
  /** Says, before the interaction is read, that this request answers a passkey sign-in in `uid`. */
  expectPasskeySignIn?(uid: string): void;
  /** The password policy, for new-password fields to show in words (shared/messages.ts describePolicy). */
  passwordPolicy: PasswordPolicy;
  /** The app's display name and whether it is first-party. */
  /** An app's name, and its look on the pages before the user is known (domain/branding.ts appBrandOf). */
  clientInfo(clientId: string): Promise<{ name: string; brand: Brand | null } | null>;
  /** A tenant's branding (domain/branding.ts), by the tenant or by one of its users. */
  brand: { ofTenant(tenantId: string): Promise<Brand | null>; ofUser(userId: string): Promise<Brand | null> };
  /** The signed-in user's address, for "Signed in as … · Not you?" (null: no such user). */
  emailOf(userId: string): Promise<string | null>;
  mfa: MfaServices;
  /** "Forgot your password?" (domain/password-reset.ts). */
  reset: ResetServices;
  federation: FederationServices;
  invitations: InvitationServices;
}

export interface PasskeySignInServices {
  /** Options for `navigator.credentials.get()` with a challenge sealed to interaction `uid`; null: not offered. */
  options(uid: string): Promise<object | null>;
  /**
   * The browser's answer: who signed in, or a failure that never says why (one message, like the
   * password's) — except, to whoever holds the right passkey, that the user's organisation signs in
   * through its own sign-in (`federationOnly`), or that the interaction is bound to another user's
   * pending sign-in (`taken`).
   */
  signIn(input: {
    uid: string;
    response: string;
    info: RequestInfo;
  }): Promise<
    { ok: true; userId: string; amr: string[] } | { ok: false; federationOnly?: true; taken?: true }
  >;
}

export interface ResetServices {
  /** `locale`: the language of the e-mail (the sign-in's). */
  request(input: {
    uid: string;
    email: string;
    interactionExpiresAt: number;
    info: RequestInfo;
    locale: Locale;
  }): Promise<'sent' | 'too_soon' | 'invalid_email'>;
  verify(input: { uid: string; code: string }): Promise<'ok' | 'wrong' | 'expired'>;
  /** Whether the new password also needs the account's authenticator (or a recovery code). */
  needsFactor(uid: string): Promise<boolean>;
  complete(input: {
    uid: string;
    password: string;
    factor?: { method: string; code: string };
    info: RequestInfo;
    locale: Locale;
  }): Promise<
    | { ok: true; email: string }
    | { ok: false; reason: 'expired' | 'factor_needed' | 'wrong_factor' }
    | { ok: false; reason: 'weak_password'; violations: Violation[] }
  >;
}

/** Accepting an invitation (domain/invitations.ts). */
export interface InvitationServices {
  /**
   * The live invitation a mailed link names, as its page shows it, with where the invitee goes to
   * sign in (the app's `initiate_login_uri`, else Sesame's account page); null when it is not live.
   */
  open(token: string): Promise<(InvitationView & { startAt: string }) | null>;
  /** A new account for the invited address; `problem` says what to fix (the password policy, a name). */
  createAccount(
    token: string,
    input: { name: string; password: string },
  ): Promise<'created' | 'gone' | { problem: AccountProblem }>;
  /** The sign-in carrying `ref` finished as `userId`: accepts the invitation if it is theirs. */
  accept(input: { ref: string; userId: string }): Promise<boolean>;
  /**
   * A browser already signed in opened the link: 'stale' when that session no longer counts (user
   * disabled, password reset since, federated sign-in past its lifetime) — sign in again — otherwise
   * whether the invitation was theirs and is now accepted.
   */
  acceptFromSession(input: {
    ref: string;
    userId: string;
    signedInAt: number | undefined;
    amr: unknown;
  }): Promise<'accepted' | 'refused' | 'stale'>;
}

/** Why an invited account was not created, for the page to word. */
export type AccountProblem =
  | { code: 'weak_password'; violations: Violation[] }
  | { code: 'invalid_email' | 'email_taken' | 'name' | 'foreign_domain' | 'federation_only' | 'other' };

/** Sign-in through an upstream identity provider (domain/federation/). */
export interface FederationServices {
  /** The connections the login page shows as "Sign in with …" buttons. */
  buttons(): Promise<Array<{ id: string; name: string }>>;
  /** The connection an e-mail address is routed to by its proved domain, or null. */
  routeFor(email: string): Promise<string | null>;
  /** Where to send the browser for this interaction's upstream leg; null: no such enabled connection. */
  start(input: {
    uid: string;
    connectionId: string;
    interactionExpiresAt: number;
    /** The starting browser's federation cookie: only that browser may finish the leg. */
    browserKey: string;
    loginHint?: string;
    /** The invitation this browser carries (its ref), accepted when the sign-in finishes. */
    invitation?: string;
  }): Promise<string | null>;
  /**
   * The callback: the user the upstream vouched for, and whether it proved MFA this connection
   * trusts. Throws UpstreamRefused (audited) for anything else.
   */
  finish(input: { connectionId: string; callbackUrl: URL; browserKey: string }): Promise<
    | {
        kind: 'signed-in';
        uid: string;
        userId: string;
        user: SignedInUser;
        upstreamMfa: boolean;
        invitation?: string;
      }
    /** A new identity with an existing account's address: the user may prove that account to link it. */
    | { kind: 'link-offered'; uid: string }
  >;
  /** The interaction's link offer as its page shows it, or null. */
  linkOffer(uid: string): Promise<{ email: string; connectionName: string; upstreamAccount: string } | null>;
  /** The interaction signed `userId` in: makes the offered link if it was for that account (mailed in `locale`). */
  acceptLink(input: { uid: string; userId: string; locale: Locale }): Promise<boolean>;
  /** After a federated user's Sesame logout: the upstream's logout URL, or null to go on to `returnTo`. */
  logoutUrl(input: { userId: string; returnTo: string }): Promise<string | null>;
  /** Back from the upstream's logout: where Sesame's logout was going, or null. */
  afterLogout(input: { connectionId: string; state: string }): Promise<string | null>;
}

/** What a second-factor page shows. */
export interface MfaScreen {
  userEmail: string;
  /** The user's tenant's look. */
  brand: Brand | null;
  /** Methods the user may use for this sign-in. */
  methods: Method[];
  /** Set on a sign-in that enrols an authenticator (secret shown once, for manual entry). */
  enrolment: { secret: string; uri: string } | null;
}

/** Who is signing in to what, after the first factor (or, for step-up, with a session). */
export interface SignInRequest {
  userId: string;
  /** The user as just read by the password step; without it (step-up) the user is read by id. */
  user?: SignedInUser;
  clientId: string;
  acrValues: unknown;
  /**
   * The sign-in proves the account itself (to earn a link, link-offer.ts): the user's strongest
   * factor is asked for whatever policy says, as the account page asks before factors change.
   */
  provesAccount?: boolean;
}

/** What the second step will be: none, or a pending sign-in of this strength (enrolling when the user has no factor). */
export type SecondStep = { required: false } | { required: true; strength: Strength; enrol: boolean };

/** The second-factor step of a sign-in, bound to the interaction uid and to one user. */
export interface MfaServices {
  /** What MFA policy demands of this sign-in. */
  secondStep(input: SignInRequest): Promise<SecondStep>;
  /**
   * Stores the pending sign-in bound to `uid` (expiring with the interaction). 'taken': this
   * interaction already has a pending sign-in of another user, which is never replaced.
   */
  begin(
    input: SignInRequest & {
      step: Extract<SecondStep, { required: true }>;
      uid: string;
      remember: boolean;
      expiresAt: number;
      stepUp: boolean;
      /** How the first step was taken; absent: the password. */
      first?: 'federation';
      linking?: boolean;
      /** The sign-in accepts this invitation when it finishes. */
      invitation?: string;
      /** The user's credentialsChangedAt the password was checked against (PendingSignIn). */
      credentialsChangedAt?: number | null;
    },
  ): Promise<'mfa' | 'taken'>;
  pending(uid: string): Promise<PendingSignIn | null>;
  screen(pending: PendingSignIn): Promise<MfaScreen>;
  /** 'passed': the sign-in may finish; 'too_weak': the code was right but the sign-in needs a stronger factor. */
  verify(
    pending: PendingSignIn,
    method: string,
    code: string,
    info: RequestInfo,
  ): Promise<'passed' | 'too_weak' | 'wrong' | 'replayed'>;
  /** `locale`: the language of the e-mail (the sign-in's). */
  /**
   * The options for the browser's `navigator.credentials.get()` in this sign-in (a fresh challenge
   * bound to it), or null where it offers no passkey.
   */
  passkeyOptions(pending: PendingSignIn): Promise<object | null>;
  sendEmailCode(
    pending: PendingSignIn,
    locale: Locale,
  ): Promise<'sent' | 'too_soon' | 'hourly_limit' | 'refused'>;
  /**
   * Confirms enrolment on a sign-in that still offers it: the new recovery codes, 'wrong' for a wrong
   * code, 'closed' when the user has a factor by now (it must be passed instead).
   */
  confirmEnrolment(
    pending: PendingSignIn,
    code: string,
    info: RequestInfo,
    locale: Locale,
  ): Promise<{ codes: string[] } | 'wrong' | 'closed'>;
  /** Whether the passed factor is strong enough for what the sign-in asked. */
  strongEnough(pending: PendingSignIn): boolean;
  /** Marks the sign-in finished; false when it had not passed, or was finished already. */
  finish(pending: PendingSignIn): Promise<boolean>;
}
