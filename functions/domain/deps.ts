import type { Config } from '../config/config.ts';
import type { Clock } from './clock.ts';
import type { Upstream } from './federation/upstream.ts';
import type { PasswordHasher } from './password-hash.ts';
import type {
  AuditEvent,
  AuditLog,
  AuditSink,
  ClientStore,
  ConnectionSecrets,
  ConnectionStore,
  CredentialStore,
  FederationStateStore,
  InvitationStore,
  LinkStore,
  LockoutPolicy,
  Mailer,
  RoleStore,
  SecretBox,
  SignInStore,
  Tenant,
  TenantStore,
  TxtRecords,
  UserStore,
} from './ports.ts';

/** Everything the account rules need: ports, settings and time. */
export interface Deps {
  users: UserStore;
  clients: ClientStore;
  roles: RoleStore;
  audit: AuditSink;
  clock: Clock;
  config: Pick<Config, 'lockout' | 'argon2' | 'passwordPolicy'>;
  /** Defaults to argon2id (password-hash.ts); tests wrap it to count verifications. */
  hasher?: PasswordHasher;
}

/**
 * The domain's one dependencies object, built once per container (functions/idp/parts.ts) and handed
 * to every use case; each function names in its signature the narrowest part it needs (`Deps` for
 * the account rules).
 */
export interface DomainDeps extends Deps {
  credentials: CredentialStore;
  signIns: SignInStore;
  box: SecretBox;
  mailer: Mailer;
  tenants: TenantStore;
  connections: ConnectionStore;
  /** Each connection's client secret or private key: Secrets Manager on AWS, sealed locally. */
  connectionSecrets: ConnectionSecrets;
  links: LinkStore;
  federationStates: FederationStateStore;
  invitations: InvitationStore;
  /** Reading audit events back (administrators' queries). */
  auditLog: AuditLog;
  /**
   * A tenant as its users' sign-ins see it — its MFA requirement, whether it signs in through its
   * connections only, its branding — read through a short cache (like an app's own settings).
   * Administration reads `tenants` afresh.
   */
  tenantSettings: (tenantId: string) => Promise<Tenant | null>;
  /** The DNS (a tenant proving its e-mail domain). */
  dns: TxtRecords;
  /** The relying-party side of federation (openid-client, functions/federation/). */
  upstream: Upstream;
  config: Deps['config'] & Pick<Config, 'mfa' | 'issuer'>;
}

/** Where an attempt came from, copied into audit events. Never holds a credential. */
export interface AttemptContext {
  ip?: string;
  userAgent?: string;
  clientId?: string;
  requestId?: string;
}

export function lockoutPolicy(deps: Deps): LockoutPolicy {
  return {
    maxAttempts: deps.config.lockout.maxAttempts,
    durationMs: deps.config.lockout.durationSeconds * 1000,
  };
}

/**
 * An event as a use case reports it. `tenant` must be named at every call site (null: the event
 * belongs to no tenant, e.g. an app registered by the operator), so no event a tenant administrator
 * should see can silently miss their tenant's audit trail.
 */
export type NewAuditEvent = Omit<AuditEvent, 'at' | 'tenant'> & { tenant: string | null };

/**
 * The tenant a user's events belong to: their own — unless they administer everything: a global
 * administrator's sign-ins and changes are no business of the tenant their account happens to be in.
 */
export function auditTenant(user: { tenantId: string; admin?: string | undefined }): string | null {
  return user.admin === 'global' ? null : user.tenantId;
}

/** The tenant of a user's events, for use cases that hold only the id (null: no such user). */
export async function tenantOfUser(deps: Deps, userId: string): Promise<string | null> {
  const user = await deps.users.findById(userId);
  return user ? auditTenant(user) : null;
}

/** Stamps the event with the clock's time and the request context (empty values dropped). */
export function audit(deps: Deps, event: NewAuditEvent, ctx: AttemptContext = {}): Promise<void> {
  const context = Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined && v !== ''));
  const { tenant, ...rest } = event;
  return deps.audit.record({
    ...context,
    ...rest,
    ...(tenant !== null ? { tenant } : {}),
    at: deps.clock.now().getTime(),
  });
}
