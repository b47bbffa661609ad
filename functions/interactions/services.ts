import type { PendingSignIn, User } from '../domain/ports.ts';

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
export type SignedInUser = Pick<User, 'id' | 'disabled' | 'requireMfa'>;

/** `user`, when given, is the user as the successful password check read it (saves a read in mfa.begin). */
export type LoginResult = { ok: true; userId: string; user?: SignedInUser } | { ok: false };

export interface InteractionServices {
  /** Password sign-in with lockout. `{ok:false}` never says why: the page shows one message. */
  login(email: string, password: string, info: RequestInfo): Promise<LoginResult>;
  /** The app's display name and whether it is first-party. */
  clientInfo(clientId: string): Promise<{ name: string } | null>;
  mfa: MfaServices;
}

/** What a second-factor page shows. */
export interface MfaScreen {
  userEmail: string;
  /** Methods the user may use for this sign-in (strength applied). Empty: enrolment is needed. */
  methods: Array<'totp' | 'email' | 'recovery'>;
  /** Set when the user must enrol an authenticator first (secret shown once, for manual entry). */
  enrolment: { secret: string; uri: string } | null;
}

/** The second-factor step of a sign-in, bound to the interaction uid. */
export interface MfaServices {
  /**
   * After the first factor: returns 'done' when no second factor is needed, otherwise stores a
   * pending sign-in bound to `uid` (expiring with the interaction) and returns 'mfa'.
   */
  begin(input: {
    userId: string;
    /** The user as just read by the password step; without it (step-up) the user is read by id. */
    user?: SignedInUser;
    uid: string;
    clientId: string;
    acrValues: unknown;
    remember: boolean;
    expiresAt: number;
    stepUp: boolean;
  }): Promise<'done' | 'mfa'>;
  pending(uid: string): Promise<PendingSignIn | null>;
  screen(pending: PendingSignIn): Promise<MfaScreen>;
  verify(pending: PendingSignIn, method: string, code: string, info: RequestInfo): Promise<boolean>;
  sendEmailCode(pending: PendingSignIn): Promise<'sent' | 'too_soon' | 'refused'>;
  /** Confirms enrolment during sign-in; returns the new recovery codes, or null for a wrong code. */
  confirmEnrolment(pending: PendingSignIn, code: string): Promise<string[] | null>;
  finish(uid: string): Promise<void>;
}
