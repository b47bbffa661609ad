import type { SesameIdentityProviderProps } from './props.ts';

/** What the construct knows only after creating resources. */
export interface DeployedNames {
  issuer: string;
  tables: { oidc: string; directory: string; audit: string };
  /** Secrets are named `<prefix><name>`, e.g. `sesame/Prod/oidc-signing-keys`; absent: keys in the directory table. */
  secretsPrefix?: string;
}

/** The secrets functions/oidc/keys.ts asks the SecretStore for. */
export const SECRET_NAMES = ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'] as const;

/**
 * Connection credentials are secrets `<prefix>connections/<id>`, created by the operator's admin CLI
 * (functions/adapters/secrets/connection-secrets.ts), not by the stack.
 */
export const CONNECTION_SECRETS_FOLDER = 'connections/';

type Value = string | number | boolean | undefined;

/** One setting a team can give as a prop, and the environment variable functions/config/config.ts reads it from. */
export interface PropSetting {
  /** The prop's path, as a team writes it (`tokens.accessToken`). */
  readonly prop: string;
  readonly env: string;
  readonly value: (props: SesameIdentityProviderProps) => Value;
}

/**
 * Every prop that becomes an environment variable. One table, read both to build the Lambda's
 * environment and to check the props at synth time (validate.ts) with the function's own schema.
 */
export const PROP_SETTINGS: readonly PropSetting[] = [
  { prop: 'lockout.maxAttempts', env: 'SESAME_LOCKOUT_MAX_ATTEMPTS', value: (p) => p.lockout?.maxAttempts },
  { prop: 'lockout.duration', env: 'SESAME_LOCKOUT_SECONDS', value: (p) => p.lockout?.duration?.toSeconds() },
  {
    prop: 'passwordPolicy.minLength',
    env: 'SESAME_PASSWORD_MIN_LENGTH',
    value: (p) => p.passwordPolicy?.minLength,
  },
  {
    prop: 'passwordPolicy.maxLength',
    env: 'SESAME_PASSWORD_MAX_LENGTH',
    value: (p) => p.passwordPolicy?.maxLength,
  },
  {
    prop: 'passwordPolicy.requireDigit',
    env: 'SESAME_PASSWORD_REQUIRE_DIGIT',
    value: (p) => p.passwordPolicy?.requireDigit,
  },
  {
    prop: 'passwordPolicy.requireUpper',
    env: 'SESAME_PASSWORD_REQUIRE_UPPER',
    value: (p) => p.passwordPolicy?.requireUpper,
  },
  {
    prop: 'passwordPolicy.requireLower',
    env: 'SESAME_PASSWORD_REQUIRE_LOWER',
    value: (p) => p.passwordPolicy?.requireLower,
  },
  {
    prop: 'passwordPolicy.requireSpecial',
    env: 'SESAME_PASSWORD_REQUIRE_SPECIAL',
    value: (p) => p.passwordPolicy?.requireSpecial,
  },
  { prop: 'argon2.memoryKiB', env: 'SESAME_ARGON2_MEMORY_KIB', value: (p) => p.argon2?.memoryKiB },
  { prop: 'argon2.timeCost', env: 'SESAME_ARGON2_TIME_COST', value: (p) => p.argon2?.timeCost },
  { prop: 'argon2.parallelism', env: 'SESAME_ARGON2_PARALLELISM', value: (p) => p.argon2?.parallelism },
  {
    prop: 'tokens.accessToken',
    env: 'SESAME_ACCESS_TOKEN_TTL',
    value: (p) => p.tokens?.accessToken?.toSeconds(),
  },
  {
    prop: 'tokens.refreshToken',
    env: 'SESAME_REFRESH_TOKEN_TTL',
    value: (p) => p.tokens?.refreshToken?.toSeconds(),
  },
  { prop: 'tokens.session', env: 'SESAME_SESSION_TTL', value: (p) => p.tokens?.session?.toSeconds() },
  {
    prop: 'tokens.federatedSession',
    env: 'SESAME_FEDERATED_SESSION_TTL',
    value: (p) => p.tokens?.federatedSession?.toSeconds(),
  },
  { prop: 'auditRetention', env: 'SESAME_AUDIT_RETENTION_DAYS', value: (p) => p.auditRetention?.toDays() },
  { prop: 'mfa.policy', env: 'SESAME_MFA_POLICY', value: (p) => p.mfa?.policy },
  { prop: 'mfa.factors', env: 'SESAME_MFA_FACTORS', value: (p) => p.mfa?.factors?.join(',') },
  {
    prop: 'email',
    env: 'SESAME_MAIL_TRANSPORT',
    value: (p) => (p.email ? (p.email.smtpUrl === undefined ? 'ses' : 'smtp') : undefined),
  },
  { prop: 'email.sender', env: 'SESAME_MAIL_FROM', value: (p) => p.email?.sender },
  { prop: 'email.smtpUrl', env: 'SESAME_SMTP_URL', value: (p) => p.email?.smtpUrl },
];

/** The rotation function's own settings (props.keyRotation), read by functions/config/config.ts too. */
export const ROTATION_SETTINGS: readonly PropSetting[] = [
  {
    prop: 'keyRotation.period',
    env: 'SESAME_KEY_ROTATION_DAYS',
    value: (p) => (p.keyRotation ? p.keyRotation.period?.toDays() : undefined),
  },
  {
    prop: 'keyRotation.jwksCacheTime',
    env: 'SESAME_JWKS_CACHE_SECONDS',
    value: (p) => (p.keyRotation ? p.keyRotation.jwksCacheTime?.toSeconds() : undefined),
  },
];

/** The lifetimes the rotation waits out (functions/domain/keys/rotation.ts), as the idp function gets them. */
const LIFETIMES_ROTATION_WAITS_FOR = ['SESAME_ACCESS_TOKEN_TTL', 'SESAME_SESSION_TTL'];

/**
 * The rotation function's environment: where the secrets are, its own settings, and the token and
 * session lifetimes the idp function runs with (only those given: the same defaults apply to both).
 */
export function rotationEnvironment(
  props: SesameIdentityProviderProps,
  secretsPrefix: string,
): Record<string, string> {
  const settings = [
    ...ROTATION_SETTINGS,
    ...PROP_SETTINGS.filter((s) => LIFETIMES_ROTATION_WAITS_FOR.includes(s.env)),
  ];
  const env: Record<string, Value> = {
    NODE_OPTIONS: '--enable-source-maps',
    SESAME_SECRET_STORE: 'secretsmanager',
    SESAME_SECRETS_PREFIX: secretsPrefix,
  };
  for (const setting of settings) env[setting.env] = setting.value(props);
  return defined(env);
}

/**
 * Props → the environment variables functions/config/config.ts reads. Only settings that were given
 * are passed, so the application's secure defaults apply to everything else (one source of defaults).
 */
export function lambdaEnvironment(
  props: SesameIdentityProviderProps,
  names: DeployedNames,
): Record<string, string> {
  const env: Record<string, Value> = {
    NODE_OPTIONS: '--enable-source-maps',
    SESAME_ISSUER: names.issuer,
    // API Gateway terminates TLS: trust X-Forwarded-Proto so discovery advertises https and cookies are Secure.
    SESAME_PROXY: true,
    SESAME_TABLE_OIDC: names.tables.oidc,
    SESAME_TABLE_DIRECTORY: names.tables.directory,
    SESAME_TABLE_AUDIT: names.tables.audit,
    ...(names.secretsPrefix === undefined
      ? { SESAME_SECRET_STORE: 'dynamodb' }
      : { SESAME_SECRET_STORE: 'secretsmanager', SESAME_SECRETS_PREFIX: names.secretsPrefix }),
  };
  for (const setting of PROP_SETTINGS) env[setting.env] = setting.value(props);
  return defined(env);
}

/** The variables that have a value, as strings. */
function defined(env: Record<string, Value>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
