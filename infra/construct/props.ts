import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Architecture, Code } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IHostedZone } from 'aws-cdk-lib/aws-route53';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/**
 * Everything a team can set when it embeds Sesame in its own CDK app. Every field is optional except
 * where a deployment cannot work without it; unset settings fall back to the secure defaults in
 * functions/config/config.ts (the Lambda receives only the environment variables for what is set).
 * What is set is checked at synth time with that same schema (validate.ts): a value the function would
 * refuse at start-up fails `cdk synth` with the prop's name, instead of deploying a 502 on every request.
 */
export interface SesameIdentityProviderProps {
  /**
   * The OIDC issuer. Defaults to `https://<domain.domainName>` with a custom domain, otherwise the
   * API's execute-api URL *including the stage path* — which oidc-provider only handles if the app
   * mounts itself under that path; use a custom domain for anything but a throw-away environment.
   * A function receives the API id and stage (e.g. to build a LocalStack URL).
   */
  readonly issuer?: string | ((api: { restApiId: string; stageName: string }) => string);
  /** Custom domain (regional REST API domain with an ACM certificate in the same region). */
  readonly domain?: SesameDomainProps;
  /** Account lockout, Mendix defaults: 3 failures lock the account for 10 minutes. */
  readonly lockout?: { readonly maxAttempts?: number; readonly duration?: Duration };
  readonly passwordPolicy?: SesamePasswordPolicy;
  /** argon2id cost. OWASP minimum (and default) is 19 MiB, t=2, p=1. */
  readonly argon2?: {
    readonly memoryKiB?: number;
    readonly timeCost?: number;
    readonly parallelism?: number;
  };
  readonly mfa?: SesameMfaProps;
  readonly tokens?: {
    readonly accessToken?: Duration;
    readonly refreshToken?: Duration;
    readonly session?: Duration;
    /** How long a sign-in through an upstream provider (Entra ID, Okta) lasts at most. Default 8 hours. */
    readonly federatedSession?: Duration;
  };
  /** How long audit events are kept (DynamoDB TTL on the audit table). Default 400 days. */
  readonly auditRetention?: Duration;
  /** Sender of MFA and invitation e-mail. Without it Sesame can't send e-mail codes. */
  readonly email?: SesameEmailProps;
  /**
   * Where the signing, cookie and MFA keys live. `secretsmanager` (default): three KMS-encrypted
   * secrets the deploy fills with a custom resource (`Custom::SesameKeys`), readable only by the
   * function. `dynamodb`: no secrets and no custom resource; the function generates the keys on first
   * use and keeps them in the directory table, where anyone who can read the table or a backup of it
   * can read them — only for emulators without Lambda-backed custom resources (LocalStack's free
   * edition). Synth warns when it is used.
   */
  readonly secretStore?: 'secretsmanager' | 'dynamodb';
  /**
   * The one role besides the functions (idp, keygen, rotation) that may read and write the key secrets
   * (their resource policies deny everyone else): a break-glass role for incidents and manual key
   * work, which is also the role to run the admin CLI's invitation commands with on AWS (they need the
   * MFA keys).
   */
  readonly breakGlassRoleArn?: string;
  /**
   * Scheduled rotation of the signing, cookie and MFA keys by a Lambda function (infra/rotation), one
   * step per key set per run: a new key is published, later put in use, and the old one removed once
   * nothing it signed can still be valid (docs/operations.md, "Rotate keys"). On by default with
   * `secretStore: 'secretsmanager'`; `false` leaves the keys as the deploy made them (rotate by hand).
   */
  readonly keyRotation?: SesameKeyRotationProps | false;
  /** Alarms, their metric filters and the dashboard. Default true; `false` only where CloudWatch is emulated. */
  readonly monitoring?: boolean;
  /**
   * What happens to the key, secrets, tables and log groups when the stack is deleted or a resource is
   * replaced. Default RETAIN_ON_UPDATE_OR_DELETE: kept, except when the create that made them is
   * rolled back, so a failed first deploy can simply be retried. RETAIN is treated the same way for
   * the key and the secrets (the secrets have fixed names: a retained one would block the retry).
   * Use DESTROY only for throw-away environments.
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB deletion protection on the three tables. Default: on, unless `removalPolicy` is DESTROY.
   * Protected tables are always retained (CloudFormation cannot delete them); a failed first deploy
   * leaves them behind, empty, under generated names that do not block a retry.
   */
  readonly deletionProtection?: boolean;
  /** Lambda memory in MB; see idp-function.ts for why the default is 1024. */
  readonly memorySize?: number;
  /** Caps concurrent executions (protects DynamoDB and the account's concurrency pool). Default: none. */
  readonly reservedConcurrency?: number;
  /** Default ARM_64 (Graviton). */
  readonly architecture?: Architecture;
  /** Default one year (ASVS asks for security logs long enough for an investigation). */
  readonly logRetention?: RetentionDays;
  /** AWS WAF in front of the API. Default on; `false` only where WAF is unavailable (LocalStack). */
  readonly waf?: SesameWafProps | false;
  /** API Gateway stage throttling (a backstop behind WAF's per-IP limits). */
  readonly throttling?: { readonly rateLimit?: number; readonly burstLimit?: number };
  readonly alarms?: SesameAlarmProps;
  /**
   * Prebuilt Lambda code instead of bundling functions/ with esbuild at synth time (tests, or CI that
   * builds once with `npm run build`); `rotation` is needed unless `keyRotation` is `false`. The argon2
   * arm64 packaging is then the builder's job, and so is bundling nodemailer when `email.smtpUrl` is
   * set (`npm run build` leaves it out).
   */
  readonly code?: { readonly idp: Code; readonly keygen: Code; readonly rotation?: Code };
}

export interface SesameKeyRotationProps {
  /** How often the rotation function looks for a step that is due. Default 1 day. */
  readonly checkEvery?: Duration;
  /**
   * How long a key set stays unchanged, from the last step of one rotation to the first of the next.
   * Whole days; default 90 days.
   */
  readonly period?: Duration;
  /**
   * How long relying parties may cache the JWKS: a new signing key is published this long (plus
   * 10 minutes) before it signs. Default 24 hours.
   */
  readonly jwksCacheTime?: Duration;
}

export interface SesameDomainProps {
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the stack's region (regional endpoint). */
  readonly certificate: ICertificate;
  /** When given, alias records are created in it: A, and AAAA when the domain is dual-stack. */
  readonly hostedZone?: IHostedZone;
  /**
   * TLS policy of the browser-facing domain and of the API. Default `'tls13'`: API Gateway's
   * `SecurityPolicy_TLS13_1_3_2025_09` (TLS 1.3 only) with the `STRICT` endpoint access mode.
   * `'tls13-or-tls12'`: `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09` (TLS 1.3, or TLS 1.2 with forward
   * secrecy), for relying apps' back ends that cannot speak TLS 1.3 yet. `'legacy-tls12'`: the old
   * `TLS_1_2` policy. With `mutualTls` the API keeps the legacy `TLS_1_2` policy (see SesameEdge).
   */
  readonly tlsPolicy?: 'tls13' | 'tls13-or-tls12' | 'legacy-tls12';
  /** Serve IPv6 as well as IPv4 (`dualstack` custom domain and AAAA records). Default true. */
  readonly ipv6?: boolean;
  /**
   * Mutual TLS, on a **separate host** (default `mtls.<domainName>`): a TLS client certificate demanded
   * on the browser-facing domain would make every browser prompt for one (or fail). API Gateway checks
   * the certificate against the PEM truststore and refuses the handshake without one; the same API
   * stays reachable on `domainName`. Sesame's function does not implement RFC 8705 yet (no
   * `tls_client_auth`, no certificate-bound tokens), so it does not advertise `mtls_endpoint_aliases`.
   */
  readonly mutualTls?: {
    readonly bucket: IBucket;
    readonly key: string;
    readonly version?: string;
    /** Default `mtls.<domainName>`; must differ from `domainName`. */
    readonly domainName?: string;
    /** Certificate for the mTLS host. Default: `certificate`, which must then cover that name too. */
    readonly certificate?: ICertificate;
  };
}

export interface SesamePasswordPolicy {
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Mendix-style composition rules; off by default (NIST SP 800-63B discourages them). */
  readonly requireDigit?: boolean;
  readonly requireUpper?: boolean;
  readonly requireLower?: boolean;
  readonly requireSpecial?: boolean;
}

export interface SesameMfaProps {
  /** `optional`: users may enrol; `required`: every user must pass a second factor. */
  readonly policy?: 'off' | 'optional' | 'required';
  readonly factors?: ReadonlyArray<'totp' | 'email'>;
}

export interface SesameEmailProps {
  /** The From address, e.g. `no-reply@id.example.com`. */
  readonly sender: string;
  /**
   * Send through this SMTP server instead of SES (no SES identity is created), e.g. the mail catcher
   * of the LocalStack compose file, `smtp://mailpit:1025`. It travels in the function's environment,
   * which anyone allowed `lambda:GetFunctionConfiguration` can read: credentials in it are refused.
   */
  readonly smtpUrl?: string;
  /**
   * Verify the sender's whole domain (DKIM records to publish) instead of the single address.
   * Default: the address only.
   */
  readonly verifyDomain?: boolean;
  readonly hostedZone?: IHostedZone;
}

export interface SesameWafProps {
  /** Requests per IP per 5 minutes to everything but the back-channel endpoints. Default 2000. */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Requests per IP per 5 minutes that carry a credential from a browser: every POST to the sign-in
   * and account forms (password, second factor, password change, link, invitation) and the invitation
   * links. Default 100. Many people signing in at once behind one address (an office NAT) share it.
   */
  readonly loginRateLimitPer5Minutes?: number;
  /**
   * Requests per client per 5 minutes to `/token`, introspection, revocation, userinfo and PAR, a
   * client being the source IP together with the Authorization header. Default 10,000 (≈ 33/s).
   */
  readonly backChannelRateLimitPer5Minutes?: number;
  /** Requests per IP per 5 minutes to those endpoints, whatever the header. Default 30,000 (≈ 100/s). */
  readonly backChannelIpRateLimitPer5Minutes?: number;
  /**
   * App back ends (CIDRs) exempt from the back-channel and general rate limits — not from the browser
   * credential limit, the managed rules or the allow-list. For APIs that introspect more than the
   * per-client limit allows (or cache introspection results instead, RFC 7662 §4).
   */
  readonly exemptIpv4Ranges?: readonly string[];
  readonly exemptIpv6Ranges?: readonly string[];
  /** Mendix "access restriction profile": only these CIDRs may reach Sesame. Default: everyone. */
  readonly allowedIpv4Ranges?: readonly string[];
  readonly allowedIpv6Ranges?: readonly string[];
  /** AWS managed rule groups (known bad inputs, IP reputation). Default true. */
  readonly managedRules?: boolean;
}

export interface SesameAlarmProps {
  /** Alarm notifications go here; otherwise a topic is created when `email` is set. */
  readonly topic?: ITopic;
  readonly email?: string;
  /** Failed logins in 5 minutes that count as a spike. Default 50. */
  readonly failedLoginsPer5Minutes?: number;
  /** Account lockouts in 5 minutes that count as a spike. Default 10. */
  readonly lockoutsPer5Minutes?: number;
  /** Share of requests answered with 5xx that alarms. Default 0.05 (5 %). */
  readonly serverErrorRate?: number;
}
