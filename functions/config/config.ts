import { z } from 'zod';

/**
 * All deployment settings, parsed and validated once at start-up, then passed down as a typed object.
 * Defaults are the secure ones and follow the Mendix behaviour (3 failed logins lock for 10 minutes).
 */
const schema = z.object({
  issuer: z.url(),
  /** Set when a TLS-terminating edge (API Gateway, CloudFront) sits in front: trusts X-Forwarded-*. */
  proxy: z.boolean().default(false),
  tables: z
    .object({
      oidc: z.string().min(3).default('sesame-oidc'),
      directory: z.string().min(3).default('sesame-directory'),
      audit: z.string().min(3).default('sesame-audit'),
    })
    .prefault({}),
  dynamodb: z
    .object({
      endpoint: z.url().optional(),
      region: z.string().default('us-east-1'),
      /** Local stores (dynalite, DynamoDB Local, LocalStack) accept any credentials. */
      localCredentials: z.boolean().default(false),
    })
    .prefault({}),
  lockout: z
    .object({
      maxAttempts: z.number().int().min(1).max(100).default(3),
      durationSeconds: z.number().int().min(1).default(600),
    })
    .prefault({}),
  passwordPolicy: z
    .object({
      minLength: z.number().int().min(8).max(256).default(12),
      maxLength: z.number().int().min(64).max(4096).default(128),
      requireDigit: z.boolean().default(false),
      requireUpper: z.boolean().default(false),
      requireLower: z.boolean().default(false),
      requireSpecial: z.boolean().default(false),
    })
    .prefault({}),
  argon2: z
    .object({
      /** KiB. OWASP minimum for argon2id is 19 MiB with t=2, p=1. */
      memoryCost: z.number().int().min(19456).default(19456),
      timeCost: z.number().int().min(2).default(2),
      parallelism: z.number().int().min(1).max(8).default(1),
    })
    .prefault({}),
  ttl: z
    .object({
      accessTokenSeconds: z.number().int().min(60).max(3600).default(600),
      authorizationCodeSeconds: z.number().int().min(10).max(600).default(60),
      idTokenSeconds: z.number().int().min(60).max(86400).default(3600),
      refreshTokenSeconds: z
        .number()
        .int()
        .min(300)
        .default(14 * 86400),
      sessionSeconds: z.number().int().min(300).default(86400),
      interactionSeconds: z.number().int().min(60).max(3600).default(900),
      grantSeconds: z
        .number()
        .int()
        .min(300)
        .default(14 * 86400),
    })
    .prefault({}),
  auditRetentionDays: z.number().int().min(1).default(400),
  /** Where signing and cookie keys live: the directory table (local) or Secrets Manager (AWS). */
  secretStore: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('dynamodb') }),
      z.object({ kind: z.literal('secretsmanager'), prefix: z.string().min(1) }),
    ])
    .default({ kind: 'dynamodb' }),
  mail: z
    .object({
      transport: z.enum(['smtp', 'ses', 'none']).default('none'),
      from: z.string().default('Sesame <no-reply@localhost>'),
      smtpUrl: z.string().optional(),
    })
    .prefault({}),
  mfa: z
    .object({
      /** `off`: never asked; `optional`: users may enrol, apps/roles/users may require it; `required`: everyone. */
      policy: z.enum(['off', 'optional', 'required']).default('optional'),
      /** Second factors offered for sign-in (recovery codes always come with them). */
      factors: z
        .array(z.enum(['totp', 'email']))
        .min(1)
        .default(['totp', 'email']),
      /** Roles that require MFA, as `clientId:role` (that app only) or `role` (in any app). */
      requiredRoles: z.array(z.string().min(1)).default([]),
      /** Strength demanded when policy requires MFA: `strong` refuses e-mail codes (NIST SP 800-63B-4 §3.1.3.1). */
      requiredStrength: z.enum(['any', 'strong']).default('any'),
      emailCodeTtlSeconds: z.number().int().min(60).max(600).default(600),
      emailResendSeconds: z.number().int().min(1).max(600).default(30),
      emailMaxSendsPerHour: z.number().int().min(1).max(20).default(5),
      emailMaxTries: z.number().int().min(1).max(10).default(5),
    })
    .prefault({}),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
    }),
    auditRetentionDays: int(env, 'SESAME_AUDIT_RETENTION_DAYS'),
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
    }),
    logLevel: env.SESAME_LOG_LEVEL || undefined,
  });
}
