import type { Config } from '../../config/config.ts';
import { type Strength, stronger } from '../credentials/strategy.ts';

/** Everything the MFA decision depends on, gathered by the caller (sign-in.ts). */
export interface PolicyInput {
  config: Config['mfa'];
  clientId: string;
  /** The app is marked `--require-mfa`. */
  clientRequires: boolean;
  /** An administrator set `--require-mfa true` on the user. */
  userRequires: boolean;
  /** The user has a factor enrolled: opting in means being asked every time. */
  userOptedIn: boolean;
  userRoles: Array<{ clientId: string; role: string }>;
  /** The user's tenant requires a second factor of at least this strength (`tenant update --require-mfa`). */
  tenantRequires?: Strength;
  /** What the app asked for with `acr_values` (step-up), or null. */
  requested: Strength | null;
}

export type Requirement = { required: false } | { required: true; strength: Strength };

function roleRequires(input: PolicyInput): boolean {
  const wanted = new Set(input.config.requiredRoles);
  return input.userRoles.some(
    (r) => wanted.has(r.role) || (r.clientId === input.clientId && wanted.has(`${r.clientId}:${r.role}`)),
  );
}

/**
 * Is a second factor required for this user signing in to this app, and how strong must it be?
 * `off` ignores everything but an explicit request from the app; otherwise any mandate (global,
 * app, role, tenant, user) or the user's own opt-in requires one. Mandates use the configured
 * strength; an app's `acr_values` can only raise it.
 */
export function mfaRequirement(input: PolicyInput): Requirement {
  const mandated =
    input.config.policy === 'required' ||
    input.clientRequires ||
    input.userRequires ||
    input.tenantRequires !== undefined ||
    roleRequires(input);
  const asked = input.config.policy !== 'off' && (mandated || input.userOptedIn);
  if (!asked && input.requested === null) return { required: false };
  let strength: Strength = mandated ? input.config.requiredStrength : 'any';
  if (input.requested) strength = stronger(strength, input.requested);
  if (input.tenantRequires) strength = stronger(strength, input.tenantRequires);
  return { required: true, strength };
}
