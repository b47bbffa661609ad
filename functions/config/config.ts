import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { OFFERABLE_METHODS, STRENGTHS } from './methods.ts';

// zod/mini: the same validation as zod's chained API, at a tenth of the bundle (cold start, see the
// README's performance section). Error messages in English, as the chained API has them.
z.config(en());

/** A whole number from `min` to `max`, `fallback` when not given. */
const whole = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z._default(z.int().check(z.minimum(min), z.maximum(max)), fallback);
const flag = (fallback: boolean) => z._default(z.boolean(), fallback);
const name = (fallback: string) => z._default(z.string().check(z.minLength(3)), fallback);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z._default(z.enum(values), fallback);
/**
 * A group of settings that may be left out entirely: every field has a default. (`{}` is typed
 * loosely here; a field without a default would fail parsing at start-up, and the tests parse `{}`.)
 */
const group = <T extends z.core.$ZodLooseShape>(shape: T) => z.prefault(z.object(shape), {} as never);

/**
 * All deployment settings, parsed and validated once at start-up, then passed down as a typed object.
 * Defaults are the secure ones and follow the Mendix behaviour (3 failed logins lock for 10 minutes).
 */
const schema = z.object({
  issuer: z.url(),
  /** Set when a TLS-terminating edge (API Gateway, CloudFront) sits in front: trusts X-Forwarded-*. */
  proxy: flag(false),
  tables: group({
    oidc: name('sesame-oidc'),
    directory: name('sesame-directory'),
    audit: name('sesame-audit'),
  }),
  dynamodb: group({
    endpoint: z.optional(z.url()),
    region: z._default(z.string(), 'us-east-1'),
    /** Local stores (dynalite, DynamoDB Local, LocalStack) accept any credentials. */
    localCredentials: flag(false),
  }),
  lockout: group({
    maxAttempts: whole(3, 1, 100),
    durationSeconds: whole(600, 1),
  }),
  passwordPolicy: group({
    minLength: whole(12, 8, 256),
    maxLength: whole(128, 64, 4096),
    requireDigit: flag(false),
    requireUpper: flag(false),
    requireLower: flag(false),
    requireSpecial: flag(false),
  }),
  argon2: group({
    /** KiB. OWASP minimum for argon2id is 19 MiB with t=2, p=1. */
    memoryCost: whole(19456, 19456),
    timeCost: whole(2, 2),
    parallelism: whole(1, 1, 8),
  }),
  ttl: group({
    accessTokenSeconds: whole(600, 60, 3600),
    authorizationCodeSeconds: whole(60, 10, 600),
    idTokenSeconds: whole(3600, 60, 86400),
    refreshTokenSeconds: whole(14 * 86400, 300),
    sessionSeconds: whole(86400, 300),
    /** The longest a sign-in through an upstream provider lasts (session and refresh tokens) before it is asked again. */
    federatedSessionSeconds: whole(8 * 3600, 300),
    interactionSeconds: whole(900, 60, 3600),
    grantSeconds: whole(14 * 86400, 300),
  }),
  auditRetentionDays: whole(400, 1),
  /** The rotation function's settings (infra/rotation); the request-serving function ignores them. */
  keyRotation: group({
    /** How long a key set stays unchanged before the next rotation starts. */
    periodDays: whole(90, 1, 3650),
    /** How long relying parties may cache /jwks: a new signing key is published this long before it signs. */
    jwksCacheSeconds: whole(86400, 0, 30 * 86400),
  }),
  /** Where the signing, cookie and MFA keys live: the directory table (local) or Secrets Manager (AWS). */
  secretStore: z._default(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('dynamodb') }),
      z.object({ kind: z.literal('secretsmanager'), prefix: z.string().check(z.minLength(1)) }),
    ]),
    { kind: 'dynamodb' },
  ),
  mail: group({
    transport: oneOf(['smtp', 'ses', 'none'], 'none'),
    from: z._default(z.string(), 'Sesame <no-reply@localhost>'),
    smtpUrl: z.optional(z.string()),
  }),
  mfa: group({
    /** `off`: never asked; `optional`: users may enrol, apps/roles/users may require it; `required`: everyone. */
    policy: oneOf(['off', 'optional', 'required'], 'optional'),
    /** Second factors offered for sign-in (recovery codes always come with them). */
    factors: z._default(z.array(z.enum(OFFERABLE_METHODS)).check(z.minLength(1)), [...OFFERABLE_METHODS]),
    /** Roles that require MFA, as `clientId:role` (that app only) or `role` (in any app). */
    requiredRoles: z._default(z.array(z.string().check(z.minLength(1))), []),
    /**
     * Strength demanded when policy requires MFA: `strong` refuses e-mail codes (NIST SP 800-63B-4
     * §3.1.3.1), `phishing-resistant` accepts passkeys only.
     */
    requiredStrength: oneOf(STRENGTHS, 'any'),
    emailCodeTtlSeconds: whole(600, 60, 600),
    emailResendSeconds: whole(30, 1, 600),
    /** Code e-mails per sign-in per hour. */
    emailMaxSendsPerHour: whole(5, 1, 20),
    /** Code e-mails per user per hour, across all their sign-ins (e-mail bombing). */
    emailMaxSendsPerUserHour: whole(10, 1, 100),
    emailMaxTries: whole(5, 1, 10),
    /**
     * Passkeys: empty accepts any authenticator (attestation `none`); otherwise only authenticators
     * whose attested AAGUID is listed may be registered (attestation `direct`, a statement required).
     */
    passkeyAaguids: z._default(z.array(z.string().check(z.regex(/^[0-9a-f-]{36}$/))), []),
  }),
  logLevel: oneOf(['debug', 'info', 'warn', 'error'], 'info'),
});

export type Config = z.infer<typeof schema>;
export type ConfigInput = z.input<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(input: unknown): Config {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number`);
  return Number(raw);
}

function bool(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false`);
}

/** Drops undefined values so that schema defaults apply (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function csv(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function dynamoFromEnv(env: Env) {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  return defined({
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION,
    localCredentials: endpoint !== undefined && !env.AWS_ACCESS_KEY_ID,
  });
}

/** The one place that reads process.env. */
export function configFromEnv(env: Env = process.env): Config {
  const port = int(env, 'PORT') ?? 3000;
  return parseConfig({
    issuer: env.SESAME_ISSUER || `http://localhost:${port}`,
    proxy: bool(env, 'SESAME_PROXY') ?? false,
    tables: defined({
      oidc: env.SESAME_TABLE_OIDC,
      directory: env.SESAME_TABLE_DIRECTORY,
      audit: env.SESAME_TABLE_AUDIT,
    }),
    dynamodb: dynamoFromEnv(env),
    lockout: defined({
      maxAttempts: int(env, 'SESAME_LOCKOUT_MAX_ATTEMPTS'),
      durationSeconds: int(env, 'SESAME_LOCKOUT_SECONDS'),
    }),
    passwordPolicy: defined({
      minLength: int(env, 'SESAME_PASSWORD_MIN_LENGTH'),
      maxLength: int(env, 'SESAME_PASSWORD_MAX_LENGTH'),
      requireDigit: bool(env, 'SESAME_PASSWORD_REQUIRE_DIGIT'),
      requireUpper: bool(env, 'SESAME_PASSWORD_REQUIRE_UPPER'),
      requireLower: bool(env, 'SESAME_PASSWORD_REQUIRE_LOWER'),
      requireSpecial: bool(env, 'SESAME_PASSWORD_REQUIRE_SPECIAL'),
    }),
    argon2: defined({
      memoryCost: int(env, 'SESAME_ARGON2_MEMORY_KIB'),
      timeCost: int(env, 'SESAME_ARGON2_TIME_COST'),
      parallelism: int(env, 'SESAME_ARGON2_PARALLELISM'),
    }),
    ttl: defined({
      accessTokenSeconds: int(env, 'SESAME_ACCESS_TOKEN_TTL'),
      refreshTokenSeconds: int(env, 'SESAME_REFRESH_TOKEN_TTL'),
      sessionSeconds: int(env, 'SESAME_SESSION_TTL'),
      federatedSessionSeconds: int(env, 'SESAME_FEDERATED_SESSION_TTL'),
    }),
    auditRetentionDays: int(env, 'SESAME_AUDIT_RETENTION_DAYS'),
    keyRotation: defined({
      periodDays: int(env, 'SESAME_KEY_ROTATION_DAYS'),
      jwksCacheSeconds: int(env, 'SESAME_JWKS_CACHE_SECONDS'),
    }),
    secretStore:
      env.SESAME_SECRET_STORE === 'secretsmanager'
        ? { kind: 'secretsmanager', prefix: env.SESAME_SECRETS_PREFIX }
        : env.SESAME_SECRET_STORE
          ? { kind: env.SESAME_SECRET_STORE }
          : undefined,
    mail: defined({
      transport: env.SESAME_MAIL_TRANSPORT,
      from: env.SESAME_MAIL_FROM,
      smtpUrl: env.SESAME_SMTP_URL,
    }),
    mfa: defined({
      policy: env.SESAME_MFA_POLICY || undefined,
      factors: csv(env, 'SESAME_MFA_FACTORS'),
      requiredRoles: csv(env, 'SESAME_MFA_REQUIRED_ROLES'),
      requiredStrength: env.SESAME_MFA_REQUIRED_STRENGTH || undefined,
      emailCodeTtlSeconds: int(env, 'SESAME_MFA_EMAIL_CODE_TTL'),
      emailResendSeconds: int(env, 'SESAME_MFA_EMAIL_RESEND_SECONDS'),
      emailMaxSendsPerUserHour: int(env, 'SESAME_MFA_EMAIL_MAX_PER_USER_HOUR'),
      passkeyAaguids: csv(env, 'SESAME_PASSKEY_AAGUIDS')?.map((a) => a.toLowerCase()),
    }),
    logLevel: env.SESAME_LOG_LEVEL || undefined,
  });
}
