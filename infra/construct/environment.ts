import type { SesameIdentityProviderProps } from './props.ts';

/** What the construct knows only after creating resources. */
export interface DeployedNames {
  issuer: string;
  tables: { oidc: string; directory: string; audit: string };
  /** Secrets are named `<prefix><name>`, e.g. `sesame/Prod/oidc-signing-keys`. */
  secretsPrefix: string;
}

/** The secrets functions/oidc/keys.ts asks the SecretStore for. */
export const SECRET_NAMES = ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'] as const;

/**
 * Connection credentials are secrets `<prefix>connections/<id>`, created by the operator's admin CLI
 * (functions/adapters/secrets/connection-secrets.ts), not by the stack.
 */
export const CONNECTION_SECRETS_FOLDER = 'connections/';

/**
 * Props → the environment variables functions/config/config.ts reads. Only settings that were given
 * are passed, so the application's secure defaults apply to everything else (one source of defaults).
 */
export function lambdaEnvironment(
  props: SesameIdentityProviderProps,
  names: DeployedNames,
): Record<string, string> {
  const env: Record<string, string | number | boolean | undefined> = {
    NODE_OPTIONS: '--enable-source-maps',
    SESAME_ISSUER: names.issuer,
    // API Gateway terminates TLS: trust X-Forwarded-Proto so discovery advertises https and cookies are Secure.
    SESAME_PROXY: true,
    SESAME_TABLE_OIDC: names.tables.oidc,
    SESAME_TABLE_DIRECTORY: names.tables.directory,
    SESAME_TABLE_AUDIT: names.tables.audit,
    SESAME_SECRET_STORE: 'secretsmanager',
    SESAME_SECRETS_PREFIX: names.secretsPrefix,
    SESAME_LOCKOUT_MAX_ATTEMPTS: props.lockout?.maxAttempts,
    SESAME_LOCKOUT_SECONDS: props.lockout?.duration?.toSeconds(),
    SESAME_PASSWORD_MIN_LENGTH: props.passwordPolicy?.minLength,
    SESAME_PASSWORD_MAX_LENGTH: props.passwordPolicy?.maxLength,
    SESAME_PASSWORD_REQUIRE_DIGIT: props.passwordPolicy?.requireDigit,
    SESAME_PASSWORD_REQUIRE_UPPER: props.passwordPolicy?.requireUpper,
    SESAME_PASSWORD_REQUIRE_LOWER: props.passwordPolicy?.requireLower,
    SESAME_PASSWORD_REQUIRE_SPECIAL: props.passwordPolicy?.requireSpecial,
    SESAME_ARGON2_MEMORY_KIB: props.argon2?.memoryKiB,
    SESAME_ARGON2_TIME_COST: props.argon2?.timeCost,
    SESAME_ARGON2_PARALLELISM: props.argon2?.parallelism,
    SESAME_ACCESS_TOKEN_TTL: props.tokens?.accessToken?.toSeconds(),
    SESAME_REFRESH_TOKEN_TTL: props.tokens?.refreshToken?.toSeconds(),
    SESAME_SESSION_TTL: props.tokens?.session?.toSeconds(),
    SESAME_FEDERATED_SESSION_TTL: props.tokens?.federatedSession?.toSeconds(),
    SESAME_AUDIT_RETENTION_DAYS: props.auditRetention?.toDays(),
    SESAME_MFA_POLICY: props.mfa?.policy,
    SESAME_MFA_FACTORS: props.mfa?.factors?.join(','),
    SESAME_MAIL_TRANSPORT: props.email ? 'ses' : undefined,
    SESAME_MAIL_FROM: props.email?.sender,
  };
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}
