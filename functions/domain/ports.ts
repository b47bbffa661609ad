import type { Method, Strength } from '../config/methods.ts';
import { DomainError } from './errors.ts';

/**
 * The ports the domain talks to. Adapters (DynamoDB, in-memory for unit tests) implement them;
 * the domain never imports an adapter or the AWS SDK.
 */

/** A directory user. `id` is the OIDC `sub`: random, stable, opaque, never derived from the e-mail. */
export interface User {
  id: string;
  /** As typed by the user/admin (trimmed, NFKC-normalised: see domain/email.ts), used for display and mail. */
  email: string;
  /** The uniqueness key: see domain/email.ts. */
  emailKey: string;
  emailVerified: boolean;
  name: string;
  /** argon2id PHC string. Never leaves the store through an API, log or error. */
  passwordHash: string | null;
  createdAt: string;
  disabled: boolean;
  /** Consecutive failed attempts counted towards the lockout (passwords, later MFA codes). */
  failedAttempts: number;
  /** Epoch milliseconds; absent when not locked. */
  lockedUntil: number | null;
  /**
   * Epoch milliseconds of the last password reset. Sessions and tokens from sign-ins before it are
   * no longer honoured (functions/oidc/account.ts), which ends every existing session of the user.
   */
  credentialsChangedAt: number | null;
  /**
   * Browser sessions the user ended one by one on the account page: the session's `uid` and when
   * (epoch ms). A session with that uid signed in before then is no longer honoured, even if a
   * request that loaded it before the end saves it again (accounts.ts sessionEnded). Entries are kept
   * as long as a session can live (`until`), and after that while their session is still stored: a
   * stored session's lifetime starts again each time a request saves it, refused or not.
   */
  endedSessions?: Array<{ uid: string; at: number; until: number }>;
  /** An administrator requires a second factor for this user (MFA policy, domain/mfa/policy.ts). */
  requireMfa?: boolean;
  /** The tenant the user belongs to (`default` for users from before tenants). */
  tenantId: string;
  /**
   * Administrator rights (domain/admin/actor.ts): `tenant` administers the user's own tenant,
   * `global` everything. Absent: a member, who may at most invite others with roles they hold.
   */
  admin?: AdminLevel;
  /**
   * The user's tenant signs in through its connections only (Tenant.federationOnly), copied onto
   * the user when the tenant switches, so a password sign-in knows without reading the tenant.
   */
  federationOnly?: boolean;
  /**
   * No second factor was ever added to this account: the store guarantees that none exists (it is
   * set when the user is created and removed before any credential is first written), so a sign-in
   * need not read the factors. Absent: unknown, read them.
   */
  factorsNeverAdded?: true;
}

export type AdminLevel = 'global' | 'tenant';

export type NewUser = Pick<
  User,
  'id' | 'email' | 'emailKey' | 'emailVerified' | 'name' | 'passwordHash' | 'createdAt'
> &
  Partial<Pick<User, 'tenantId' | 'federationOnly'>>;

/** The tenant of users created before tenants existed, and of users added without one. */
export const DEFAULT_TENANT = 'default';

export class EmailTaken extends DomainError {
  override name = 'EmailTaken';
  constructor() {
    super('email_taken');
  }
}
export class NotFound extends DomainError {
  override name = 'NotFound';
  /** `what`: which kind of thing is missing (`user`, `client`, `sign_in`), for logs and messages. */
  constructor(what?: string) {
    super('not_found', what);
  }
}

export interface LockoutPolicy {
  maxAttempts: number;
  durationMs: number;
}

/**
 * Outcome of claiming one attempt slot. The claim is atomic (a conditional write): of K concurrent
 * claims at most `maxAttempts - failedAttempts` succeed, so no more than the threshold's worth of
 * verifications can ever run against a not-yet-locked account.
 */
export type AttemptClaim =
  | { kind: 'granted'; user: User }
  /** `tenantId`: the tenant of the locked user's events (deps.ts auditTenant; null when contention hid it). */
  | { kind: 'locked'; lockedUntil: number | null; tenantId: string | null }
  | { kind: 'unknown' };

export interface UserQuery {
  prefix: string;
  limit: number;
  cursor?: string;
}

export interface UserStore {
  /** Fails with EmailTaken when the e-mail key is already in use. */
  create(user: NewUser): Promise<void>;
  findById(id: string): Promise<User | null>;
  findByEmailKey(emailKey: string): Promise<User | null>;
  /** Just the id behind an e-mail key: login needs no more, since claimAttempt returns the user. */
  findIdByEmailKey(emailKey: string): Promise<string | null>;
  /**
   * A hint that this request is about to look this e-mail key up: a store may start the read now, so
   * it shares a round trip with the request's other reads. Changes nothing a look-up returns.
   */
  expectEmailLookup?(emailKey: string): void;
  /**
   * A tenant's users in order of e-mail key, only those whose key starts with `prefix` (''; all),
   * at most `limit`; `cursor` is the previous page's `next`. A cursor of another query is a RangeError.
   */
  listByTenant(tenantId: string, query: UserQuery): Promise<{ users: User[]; next?: string }>;
  updateProfile(
    id: string,
    changes: {
      name?: string;
      emailVerified?: boolean;
      disabled?: boolean;
      requireMfa?: boolean;
    },
  ): Promise<void>;
  /**
   * Sets a new hash, lifts any lockout (the admin's way to unlock, as in Mendix) and records `at`
   * (epoch ms) as `credentialsChangedAt`, which ends the user's existing sessions.
   */
  setPassword(id: string, passwordHash: string, at: number): Promise<void>;
  /** Sets or (null) removes the user's administrator rights. */
  setAdmin(id: string, level: AdminLevel | null): Promise<void>;
  /** Marks (or unmarks) the user as signing in through their tenant's connections only. */
  setFederationOnly(id: string, on: boolean): Promise<void>;
  /** Records `at` (epoch ms) as `credentialsChangedAt` without touching the password: ends every session. */
  endSessions(id: string, at: number): Promise<void>;
  /**
   * Records one ended session (User.endedSessions), dropping entries whose `until` has passed,
   * except those naming a session still stored (`stored`: the uids of the user's stored sessions).
   */
  endSession(
    id: string,
    ended: { uid: string; at: number; until: number },
    stored?: readonly string[],
  ): Promise<void>;
  /** Replaces the hash only if it is still `expectedOld` (transparent rehash on login). */
  upgradePasswordHash(id: string, expectedOld: string, passwordHash: string): Promise<void>;

  /**
   * Atomically counts one attempt before it is verified; see AttemptClaim. A count that reached the
   * threshold without a lock (attempts in flight, or a crash between claim and record) reads as
   * locked until `policy.durationMs` after the last granted claim, then starts afresh.
   */
  claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim>;
  /** After a failed verification: the account locks when the count reached the threshold. Returns the lock end if locked. */
  recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null>;
  /**
   * After a successful verification: resets the counter. Returns false if a lock became active
   * meanwhile, or — given `seen`, the user as the claim returned it — if the user was disabled or their
   * credentials changed (password reset, "sign out everywhere") since: the verification was against
   * what no longer stands (fail closed).
   */
  recordSuccess(id: string, now: number, seen?: Pick<User, 'credentialsChangedAt'>): Promise<boolean>;
  /**
   * After a right credential on a sign-in that still needs another factor: gives back the one
   * attempt claimed for it, leaving earlier failures counted (only a completed sign-in resets the
   * counter). Returns false if a lock became active meanwhile (fail closed).
   */
  releaseAttempt(id: string, now: number): Promise<boolean>;
}

export interface AppClient {
  clientId: string;
  /** oidc-provider client metadata (redirect_uris, grant_types, token_endpoint_auth_method, client_secret, ...). */
  metadata: Record<string, unknown>;
  /** The role names this app defines (MxID: roles are per app). */
  roles: string[];
  /** First-party apps skip the consent screen. */
  firstParty: boolean;
  /** Users must pass a second factor to sign in to this app (MFA policy). */
  requireMfa?: boolean;
  /** Members may invite others into their tenant with roles of this app they hold themselves. */
  memberInvites?: boolean;
  /**
   * Where Sesame sends a user to start signing in to this app (OIDC Core §4, third-party initiated
   * login), e.g. after an invitation. Kept by Sesame, not oidc-provider (which allows https only).
   */
  initiateLoginUri?: string;
  /** What the app may do with the admin API (none when absent); see AdminApiAccess. */
  adminApi?: AdminApiAccess;
  /** Its look on the login page (domain/branding.ts appBrandOf): a data: URL logo, a `#rrggbb` accent. */
  branding?: { logo?: string; accent?: string };
  createdAt: string;
}

/**
 * An app's access to the admin API. `users`: its signed-in users may call the API with their own
 * rights (their tokens must show MFA); `global` or `tenant:<id>`: its client-credentials tokens act
 * as an automation administrator of everything or of that one tenant.
 */
export type AdminApiAccess = 'users' | 'global' | `tenant:${string}`;

export interface ClientStore {
  put(client: AppClient): Promise<void>;
  get(clientId: string): Promise<AppClient | null>;
  list(): Promise<AppClient[]>;
}

/**
 * Where a role grant came from: `admin` (a person granted it; kept) or `connection:<id>` (mapped from
 * upstream claims, replaced at every federated sign-in through that connection).
 */
export type RoleSource = 'admin' | `connection:${string}`;

export interface RoleGrant {
  clientId: string;
  role: string;
  source: RoleSource;
}

export interface RoleStore {
  /** Grants it; a grant that exists keeps the source `admin` if either side is `admin`. */
  grant(userId: string, clientId: string, role: string, source?: RoleSource): Promise<void>;
  /** Revokes it; with `source`, only a grant still from that source (a person's grant made meanwhile stays). */
  revoke(userId: string, clientId: string, role: string, source?: RoleSource): Promise<void>;
  /** Roles of one user in one app only: tokens for app A never carry roles of app B. */
  rolesIn(userId: string, clientId: string): Promise<string[]>;
  /** All of a user's grants with their source, for `user show` and the federation's role sync. */
  allRoles(userId: string): Promise<RoleGrant[]>;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEvent {
  /** e.g. login.success, login.failure, account.locked, password.reset, role.granted. */
  type: string;
  outcome: AuditOutcome;
  /** Epoch milliseconds. */
  at: number;
  /** Who acted: a user id, `admin-cli`, or `anonymous`. */
  actor: string;
  /** Who or what was acted on (a user id, client id). Never a password, token or secret. */
  target?: string;
  /** The tenant the event belongs to (the target's, or the actor's); absent for operator-wide events. */
  tenant?: string;
  clientId?: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  /** A fixed, non-secret reason code, e.g. `bad_credentials`, `locked`. */
  reason?: string;
  details?: Record<string, string | number | boolean>;
}

/** The DNS, for proving a domain: the TXT records at a name, each as one string ([] when none). */
export interface TxtRecords {
  txt(name: string): Promise<string[]>;
}

export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}

/** Which audit events to read: newest first, within [from, to] (epoch ms), at most `limit`. */
export interface AuditQuery {
  /** Only events about this target (a user id, an app, a tenant …). */
  target?: string;
  /** Only events of this tenant (ignored when `target` is given: a target's events are all read). */
  tenant?: string;
  /** Only events of this type (`login.failure`, …). */
  type?: string;
  from: number;
  to: number;
  limit: number;
  /** From the previous page's `next`. */
  cursor?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Present when there may be more: pass it as `cursor`. */
  next?: string;
}

/** Reading the audit trail (writing is AuditSink's): by target through an index, or day by day. */
export interface AuditLog {
  query(query: AuditQuery): Promise<AuditPage>;
}

/**
 * Durable secrets generated once (signing keys, cookie keys). `getOrCreate` is race-safe: when two
 * cold starts generate at the same time, one value wins and both return it.
 */
export interface SecretStore {
  getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T>;
}

/** A value a credential's own fields may hold. */
export type CredentialValue = string | number | boolean;

/**
 * One credential of a user, shaped by the strategy that owns it (domain/credentials/<strategy>/):
 * `type` names the strategy, `key` tells several items of one strategy apart (a recovery code's HMAC;
 * '' where a user has one), `data` holds the strategy's own fields, which nothing else reads.
 */
export interface Credential {
  type: Method;
  key: string;
  data: Record<string, CredentialValue>;
}

export type CredentialRef = Pick<Credential, 'type' | 'key'>;

/**
 * What a conditional write depends on (compare-and-set: dynalite has no transactions). `absent`: no
 * such credential; `present`: it exists and these fields hold exactly these values, and the `below`
 * fields are smaller than given; `absentOr`: absent, or present with these values.
 */
export type Expect =
  | { absent: true }
  | { present: Record<string, CredentialValue>; below?: Record<string, number> }
  | { absentOr: Record<string, CredentialValue> };

/**
 * Every credential of every strategy, in one shape per user: each strategy stores its items through
 * these few methods and owns their fields. Single use, replay protection and enrolment races are
 * conditional writes (`Expect`), so two concurrent uses of one code can't both succeed.
 */
export interface CredentialStore {
  /** Every credential of the user, strongly consistent, in one request (the sign-in reads them all). */
  list(userId: string): Promise<Credential[]>;
  get(userId: string, ref: CredentialRef): Promise<Credential | null>;
  /** Writes the whole credential if `expect` holds (always, without one); false otherwise. */
  put(userId: string, credential: Credential, expect?: Expect): Promise<boolean>;
  /** Sets (and drops, `unset`) some of its fields if `expect` holds; false otherwise. */
  update(
    userId: string,
    ref: CredentialRef,
    change: { set: Record<string, CredentialValue>; unset?: string[] },
    expect: Expect,
  ): Promise<boolean>;
  /** Deletes it if `expect` holds (always, without one); true for the one caller that deleted it. */
  delete(userId: string, ref: CredentialRef, expect?: Expect): Promise<boolean>;

  /**
   * A per-user lease that serialises changes which switch credentials off (check "is another one
   * left?", then delete): true for the one caller that got it, until `unlockChanges` or `until`.
   */
  lockChanges(userId: string, now: number, until: number): Promise<boolean>;
  /** Frees the lease taken with this `until`; one that lapsed and was taken over is left alone. */
  unlockChanges(userId: string, until: number): Promise<void>;
}

/** An e-mailed code, bound to the sign-in (interaction) it was sent for. */
export interface EmailChallenge {
  uid: string;
  userId: string;
  codeHash: string;
  /** Epoch milliseconds. */
  sentAt: number;
  expiresAt: number;
  /** Wrong tries across every code sent for this sign-in (a resend does not reset it). */
  failures: number;
  /** When each code for this sign-in was sent (epoch ms), for the hourly resend limit. */
  sends: number[];
}

/**
 * A sign-in that passed the password (or, for step-up, has a session) and awaits its second factor.
 * It is bound to one user for its whole life: the store refuses to replace it with another user's,
 * and every later write names its `id` and `userId`, so a factor verified for one user can never
 * mark, or finish, a sign-in of another.
 */
export interface PendingSignIn {
  uid: string;
  /** Random, one per pending sign-in; also owns the authenticator enrolment it offers. */
  id: string;
  userId: string;
  remember: boolean;
  /** Epoch milliseconds: the interaction's own expiry. */
  expiresAt: number;
  /** `strong`: only TOTP, a passkey or a recovery code will do; `phishing-resistant`: a passkey. */
  strength: Strength;
  /** True when the user's first factor was the existing session (acr_values step-up). */
  stepUp: boolean;
  /** The first step that started it; absent: the password (sign-ins from before federation). */
  first?: 'federation';
  /** The password was given to earn an offered link (link-offer.ts): the link is made when this finishes. */
  linking?: true;
  /**
   * The user had no second factor when the sign-in began, so it enrols an authenticator. Only such a
   * sign-in accepts enrolment codes; a user with any factor must pass it instead.
   */
  enrol: boolean;
  /** Set once the second factor succeeded: the method that did it, and the strength it proved. */
  passed?: Method;
  proven?: Strength;
  /** The second step's `amr` values where they depend on the use (a passkey's hwk or swk). */
  amr?: string[];
  /** Set once the interaction was finished with this sign-in's result: it finishes once. */
  finished?: boolean;
  /** The sign-in accepts this invitation (`<tenant>.<id>`) when it finishes (domain/invitations.ts). */
  invitation?: string;
  /**
   * After a password: the user's `credentialsChangedAt` the password was checked against. A reset or
   * "sign out everywhere" before the second factor passes voids the sign-in (verifySecondFactor).
   */
  credentialsChangedAt?: number | null;
}

/** What names one pending sign-in in the conditional writes that follow its verification. */
export type PendingRef = Pick<PendingSignIn, 'uid' | 'id' | 'userId'>;

/**
 * A forgotten-password reset in one sign-in (interaction `uid`): the e-mailed code's hash, and
 * whether it was entered right. `userId` null: no account could be reset with that address (the
 * page looks the same; the mail said why).
 */
export interface PasswordReset {
  uid: string;
  userId: string | null;
  codeHash: string;
  /** Epoch milliseconds. */
  sentAt: number;
  expiresAt: number;
  failures: number;
  /** The code was entered right: the new password may be chosen (once). */
  verified: boolean;
}

export interface SignInStore {
  /**
   * Stores the sign-in; false when this interaction already has one for another user, or one that
   * finished (the binding lasts as long as the interaction). The same user may start over.
   */
  putPending(pending: PendingSignIn): Promise<boolean>;
  getPending(uid: string): Promise<PendingSignIn | null>;
  /** Records the method once, only on this very sign-in (same id and user); false otherwise. */
  markPassed(
    ref: PendingRef,
    method: NonNullable<PendingSignIn['passed']>,
    proven: NonNullable<PendingSignIn['proven']>,
    amr?: readonly string[],
  ): Promise<boolean>;
  /** Marks a passed sign-in finished; true for the one caller that did it. */
  finishPending(ref: PendingRef): Promise<boolean>;
  /**
   * Counts one code e-mail to this user in the current hour, across all their sign-ins; false when
   * `max` were already sent this hour (e-mail bombing).
   */
  reserveEmailSend(userId: string, now: number, max: number): Promise<boolean>;

  getEmailChallenge(uid: string): Promise<EmailChallenge | null>;
  /** Writes a new code; false if another send happened since `previousSentAt` (null: none before). */
  putEmailChallenge(challenge: EmailChallenge, previousSentAt: number | null): Promise<boolean>;
  /** Counts one wrong try; false when the challenge is gone or already at `max`. */
  countEmailFailure(uid: string, max: number): Promise<boolean>;
  /** Deletes the challenge if it still has this hash, is unexpired and under `max` failures. */
  consumeEmailChallenge(uid: string, codeHash: string, now: number, max: number): Promise<boolean>;

  getReset(uid: string): Promise<PasswordReset | null>;
  /** Writes a reset (a new code); false if another was written since `previousSentAt` (null: none). */
  putReset(reset: PasswordReset, previousSentAt: number | null): Promise<boolean>;
  /** Counts one wrong code; false when the reset is gone or already at `max`. */
  countResetFailure(uid: string, max: number): Promise<boolean>;
  /** Marks it verified if it still has this hash, an account, is unexpired and under `max` failures. */
  verifyReset(uid: string, codeHash: string, now: number, max: number): Promise<boolean>;
  /** Deletes a verified, unexpired reset of `userId`; true for the one caller that did (single use). */
  takeReset(uid: string, userId: string, now: number): Promise<boolean>;

  /**
   * Spends the challenge `nonce` of a passkey sign-in in interaction `uid` (the challenge itself
   * travels in the page, sealed to the interaction: domain/credentials/passkey/passwordless.ts); true
   * for the one caller that spent it. Kept until `expiresAt` (epoch ms), when it would expire anyway.
   */
  spendPasskeyChallenge(uid: string, nonce: string, expiresAt: number): Promise<boolean>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Outgoing e-mail (SES on AWS, SMTP locally). Fails by throwing: callers fail closed. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Encryption and keyed hashing of MFA secrets, with keys from the SecretStore (Secrets Manager /
 * KMS on AWS). `seal` is AES-256-GCM with `aad` binding the ciphertext to its owner; `digest` is an
 * HMAC so that short codes can't be brute-forced offline from a table dump.
 */
export interface SecretBox {
  seal(plaintext: string, aad: string): Promise<string>;
  open(sealed: string, aad: string): Promise<string>;
  digest(value: string): Promise<string>;
}

/**
 * A tenant (MxID's "company"): every user belongs to exactly one. Deployments from before tenants
 * have one, `default`, holding everyone (a user item without a tenant reads as `default`).
 */
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
  /**
   * What its users may be given, per app: the roles the operator entitled the tenant to. Tenant
   * admins grant and members invite with these only (absent: nothing).
   */
  entitlements?: Record<string, string[]>;
  /** How the tenant's pages look (shown to its users once they are known). */
  branding?: TenantBranding;
  /** A second factor for every sign-in of the tenant's users, of at least this strength. */
  requireMfa?: 'any' | 'strong';
  /**
   * Its users sign in through its connections only: Sesame refuses their passwords, and invitations
   * into it are accepted by signing in through a connection (which links that identity).
   */
  federationOnly?: boolean;
  /** Counts the record's changes: a change made meanwhile is never overwritten (TenantStore.replace). */
  version?: number;
}

export interface TenantBranding {
  displayName?: string;
  /** https only. */
  logoUrl?: string;
  /** `#rrggbb`. */
  accent?: string;
}

/**
 * An e-mail domain a tenant claims. Only a `verified` domain routes sign-ins (to `connectionId`) or
 * counts as proof in linking rules; the claim is unique across tenants (a conditional put).
 */
export interface TenantDomain {
  domain: string;
  tenantId: string;
  verified: boolean;
  /** The DNS TXT value that proves it (`sesame-verification=<token>`). */
  token: string;
  /** The connection sign-ins with an address at this domain go to. */
  connectionId?: string;
}

export interface TenantStore {
  /** False when a tenant with this id exists. */
  create(tenant: Tenant): Promise<boolean>;
  get(id: string): Promise<Tenant | null>;
  list(): Promise<Tenant[]>;
  /**
   * Replaces an existing tenant's record if it is still at `expectedVersion` (as read; undefined: a
   * record from before versions), writing `tenant.version`; false when it is gone or changed meanwhile.
   */
  replace(tenant: Tenant, expectedVersion: number | undefined): Promise<boolean>;
  /**
   * Claims the domain for its tenant; false when another tenant has proved it. The same tenant's
   * claim is replaced, and so is another tenant's unproved one (an unproved claim reserves nothing:
   * it could squat another company's domain).
   */
  putDomain(domain: TenantDomain): Promise<boolean>;
  getDomain(domain: string): Promise<TenantDomain | null>;
  domainsOf(tenantId: string): Promise<TenantDomain[]>;
  deleteDomain(domain: string, tenantId: string): Promise<void>;
}

export type ConnectionType = 'entra' | 'okta' | 'oidc';

/** An upstream claim value that grants a role: Entra app roles or group object ids, Okta groups. */
export interface RoleMapping {
  claim: 'groups' | 'roles';
  value: string;
  clientId: string;
  role: string;
  /** Made by a tenant admin: gives the role only while the tenant is entitled to it (checked at each sign-in). */
  bounded?: true;
}

/**
 * private_key_jwt towards an upstream: the certificate of the key pair whose private key is the
 * connection's credential (ConnectionSecrets). Public data, shown by `connection show`.
 */
export interface ConnectionCertificate {
  /** `x5t#S256`: base64url of the SHA-256 of the certificate's DER, sent in every client assertion's header. */
  x5tS256: string;
  /** The certificate's notAfter (ISO 8601): upstreams refuse its key's assertions from then on. */
  expiresAt: string;
}

/**
 * An upstream identity provider of one tenant (domain/federation/). The issuer is exact; the client
 * credential (a client secret, or the private key for private_key_jwt) is kept apart, in
 * ConnectionSecrets, and never leaves the domain.
 */
export interface Connection {
  id: string;
  tenantId: string;
  type: ConnectionType;
  /** Exact `iss`: Entra `https://login.microsoftonline.com/{tid}/v2.0`, Okta `https://{org}[/oauth2/{id}]`. */
  issuer: string;
  /** Entra: the customer's directory (tenant) id, checked against every token's `tid`. */
  entraTenantId?: string;
  clientId: string;
  /**
   * Set: Sesame authenticates at the upstream's token endpoint with private_key_jwt, signing with the
   * private key of this certificate. Absent: client_secret_post with the client secret.
   */
  certificate?: ConnectionCertificate;
  scopes: string[];
  displayName: string;
  /** Shown as a "Sign in with …" button on the login page; otherwise it is reached by domain or `sesame_idp`. */
  button: boolean;
  disabled: boolean;
  roleMappings: RoleMapping[];
  /** Upstream `acr` / `amr` values accepted as proof that the upstream did MFA. */
  trustMfa: { acr: string[]; amr: string[] };
  /** RP-initiated logout at Sesame also ends the upstream session (its end_session_endpoint). */
  upstreamLogout: boolean;
  createdAt: string;
}

export interface ConnectionStore {
  /** False when a connection with this id exists. */
  create(connection: Connection): Promise<boolean>;
  get(id: string): Promise<Connection | null>;
  list(): Promise<Connection[]>;
  /** Replaces an existing connection; false when it is gone. */
  replace(connection: Connection): Promise<boolean>;
  /** Deletes it outright (undoing a connection whose credential could not be stored). */
  delete(id: string): Promise<void>;
  /**
   * Removes it for good and keeps its id from ever naming another connection: a credential cached
   * by id in a container, or sealed to the id, must never be used for another tenant's upstream.
   */
  remove(id: string): Promise<void>;
}

/**
 * The credential Sesame authenticates to one connection's upstream with: its client secret, or the
 * PEM private key of private_key_jwt. On AWS one Secrets Manager secret per connection, written by
 * the operator's admin CLI or the admin API (the Lambda's role may write that folder only); locally sealed (SecretBox, bound to the
 * connection id) in the directory table. Never part of an admin view, never logged.
 */
export interface ConnectionSecrets {
  /** Creates or replaces the connection's credential. */
  put(connectionId: string, value: string): Promise<void>;
  /** The credential, or null when the connection has none. */
  get(connectionId: string): Promise<string | null>;
  /** Deletes it for good; nothing happens when there is none. */
  delete(connectionId: string): Promise<void>;
}

/**
 * The link from an upstream identity to a Sesame user: (connection, issuer, subject), where the
 * subject is Entra's `oid` (stable per directory, unlike its pairwise `sub`) and `sub` elsewhere.
 * Never an e-mail address. Unique: one upstream identity is one user.
 */
export interface IdentityLink {
  connectionId: string;
  issuer: string;
  subject: string;
  userId: string;
  createdAt: string;
}

export interface LinkStore {
  /** Stores the link unless that upstream identity is linked already (conditional put): false then. */
  create(link: IdentityLink): Promise<boolean>;
  find(connectionId: string, issuer: string, subject: string): Promise<IdentityLink | null>;
  /** Every link of a connection (disabling it ends their sessions). */
  byConnection(connectionId: string): Promise<IdentityLink[]>;
  byUser(userId: string): Promise<IdentityLink[]>;
  delete(link: IdentityLink): Promise<void>;
}

/**
 * The upstream leg of one federated sign-in, kept server side and bound to the Sesame interaction:
 * found by the `state` the upstream returns (stored as its digest), taken once.
 */
export interface FederationState {
  /** Digest of the `state` parameter. */
  key: string;
  uid: string;
  connectionId: string;
  nonce: string;
  codeVerifier: string;
  /**
   * Digest of the browser key (a cookie set when the leg started): the callback is accepted only from
   * the browser that started it, so a victim sent to the attacker's upstream URL signs in nobody.
   */
  browser: string;
  /** Epoch milliseconds: the interaction's own expiry, or sooner. */
  expiresAt: number;
  /** The invitation the browser carried into this sign-in (its ref): accepted when it finishes. */
  invitation?: string;
}

/**
 * A new upstream identity whose e-mail address belongs to an existing account of the connection's
 * tenant: the link is offered, bound to the Sesame interaction, and made only if the user proves that
 * account (its password, and its second factor when it has one) in the same interaction.
 */
export interface LinkOffer {
  uid: string;
  connectionId: string;
  issuer: string;
  subject: string;
  /** The existing account the address belongs to: the only one the offer can link. */
  userId: string;
  /** How the upstream account names itself (username and name), shown on the link page. */
  upstreamAccount: string;
  /** Epoch milliseconds: the interaction's own expiry, or sooner. */
  expiresAt: number;
}

export interface FederationStateStore {
  put(state: FederationState): Promise<void>;
  /** Deletes and returns it; null when unknown, expired or taken already (single use). */
  take(key: string, now: number): Promise<FederationState | null>;
  /** One offer per interaction: a later one replaces it. */
  putOffer(offer: LinkOffer): Promise<void>;
  /** The interaction's live offer, left in place (a wrong password may be retried). */
  offer(uid: string, now: number): Promise<LinkOffer | null>;
  /** Deletes and returns it: of two concurrent takers one gets it. */
  takeOffer(uid: string, now: number): Promise<LinkOffer | null>;
}

/**
 * An invitation into a tenant (MxID): an address, optionally an app and roles of it, from an actor
 * who may invite. The mailed link carries `<tenant>.<id>.<secret>`; only the secret's digest is kept.
 * Single use, expiring after 7 days, revocable; a resend makes a new secret (the old link dies).
 */
export interface Invitation {
  id: string;
  tenantId: string;
  /** The invited address as typed (normalised), and its uniqueness key (domain/email.ts). */
  email: string;
  emailKey: string;
  clientId?: string;
  roles: string[];
  /** Who invited: their rights are asked again at acceptance (roles they may no longer give are not given). */
  invitedBy: InvitingActor;
  secretDigest: string;
  createdAt: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  status: 'pending' | 'accepted' | 'revoked';
  /** Set on acceptance. */
  acceptedBy?: string;
}

/** The actor who invited, as stored (the same shape as domain/admin/actor.ts's Actor). */
export type InvitingActor =
  | { kind: 'operator' }
  | { kind: 'user'; userId: string }
  | { kind: 'client'; clientId: string };

export interface InvitationStore {
  create(invitation: Invitation): Promise<void>;
  get(tenantId: string, id: string): Promise<Invitation | null>;
  /** A tenant's invitations, newest first. */
  list(tenantId: string): Promise<Invitation[]>;
  /** Replaces it only while it is still pending with `expectedDigest` (conditional): false otherwise. */
  replacePending(invitation: Invitation, expectedDigest: string): Promise<boolean>;
}

/**
 * A browser signed in to a user's account (an oidc-provider session), as the account page lists it.
 * Times are epoch seconds.
 */
export interface BrowserSession {
  /** The stored session's id and its uid (stable across new sign-ins): server side only, never shown. */
  sessionId: string;
  uid: string;
  signedInAt: number | null;
  /** When the session last changed (a sign-in, an app added), and from where. */
  seenAt: number | null;
  ip?: string;
  userAgent?: string;
  /** How it signed in (RFC 8176 values: pwd, otp, mfa, fed…). */
  amr: string[];
  /** The apps signed in through it: `sid` is the session's id for that app (back-channel logout). */
  apps: Array<{ clientId: string; sid?: string; grantId?: string; persistsLogout: boolean }>;
}

/** What a user allowed an app (an oidc-provider grant): consent, and refresh tokens made from it. */
export interface AppGrant {
  grantId: string;
  clientId: string;
  /** When the grant was made or last extended (epoch seconds). */
  grantedAt: number | null;
  /** It includes offline_access: the app may hold refresh tokens that outlive the browser session. */
  offline: boolean;
}

/** The sessions and grants of one user, read from the oidc store's account index (strongly consistent). */
export interface AccountActivity {
  sessionsOf(userId: string): Promise<BrowserSession[]>;
  /** Those of up to 50 apps, newest first; with `clientId`, every grant the user holds for that app. */
  grantsOf(userId: string, clientId?: string): Promise<AppGrant[]>;
  /** Drops a grant's entry from the index once the grant is revoked (entries are otherwise checked on read). */
  forgetGrant(userId: string, grantId: string): Promise<void>;
}
