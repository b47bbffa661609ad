import type { Config } from '../config/config.ts';
import type { InvalidClientReason } from '../domain/clients.ts';
import type { DomainError, ErrorCode } from '../domain/errors.ts';
import type { InvalidSettingReason } from '../domain/federation/settings.ts';
import type { Violation } from '../domain/password-policy.ts';
import { DEFAULT_LOCALE, fill, type Locale, messages } from '../i18n/index.ts';

/**
 * The words for the domain's codes, in one place, for the pages and the CLI alike. The domain
 * itself carries codes only (functions/domain/errors.ts). What end users read of the password policy
 * comes from the message catalogues (functions/i18n), in the page's language; the administrators'
 * words below stay English, like the console, the admin API and the CLI.
 */
/** The password policy in one sentence, shown beside every new-password field before it is submitted. */
export function describePolicy(policy: Config['passwordPolicy'], locale: Locale = DEFAULT_LOCALE): string {
  const t = messages(locale).policy;
  const needs = [
    policy.requireDigit ? t.needsDigit : '',
    policy.requireUpper ? t.needsUpper : '',
    policy.requireLower ? t.needsLower : '',
    policy.requireSpecial ? t.needsSpecial : '',
  ].filter(Boolean);
  const min = policy.minLength;
  return needs.length ? fill(t.rulesWith, { min, needs: needs.join(', ') }) : fill(t.rules, { min });
}

export function describeViolation(
  v: Violation,
  policy: Config['passwordPolicy'],
  locale: Locale = DEFAULT_LOCALE,
): string {
  return fill(messages(locale).policy[v], { min: policy.minLength, max: policy.maxLength });
}

const INVALID_CLIENT: Record<InvalidClientReason, string> = {
  redirect_uri_not_absolute: 'not an absolute URL',
  redirect_uri_fragment: 'a redirect URI must not have a fragment',
  redirect_uri_credentials: 'a redirect URI must not carry credentials',
  redirect_uri_scheme: 'a redirect URI must use https (http only on loopback)',
  role_name: 'invalid role name (a letter, then letters, digits, _ . : -; at most 64)',
  client_id_format: 'a client id is 3-64 letters, digits, _ . -',
  client_id_reserved: 'this client id is reserved',
  no_grant: 'give at least one redirect URI or the client_credentials grant',
  public_client_credentials: 'public clients cannot use client_credentials',
  admin_api:
    'admin API access is `users` (needs a redirect URI), or `global` / `tenant:<id>` (needs the client_credentials grant)',
  backchannel_logout_uri: 'a back-channel logout URI needs an app users sign in to (a redirect URI)',
};

const GENERIC: Record<ErrorCode, string> = {
  not_found: 'No such thing exists, or you may not see it.',
  email_taken: 'This e-mail address is already in use.',
  invalid_email: 'This is not an e-mail address Sesame accepts.',
  weak_password: 'The password does not meet the password policy.',
  unknown_role: 'The app has no such role.',
  invalid_client: 'The app registration is not acceptable.',
  client_exists: 'An app with this id exists already.',
  already_enrolled: 'An authenticator app is already set up.',
  forbidden: 'You may not do this.',
  tenant_exists: 'A tenant with this id exists already.',
  connection_exists:
    'A connection with this id exists already (or did: ids of removed connections are not given out again).',
  domain_taken: 'Another tenant holds this e-mail domain.',
  invalid_setting: 'This setting is not acceptable.',
};

const INVALID_SETTING: Record<InvalidSettingReason, string> = {
  id_format: 'an id is 2-63 lower-case letters, digits and -, starting with a letter or digit',
  unknown_tenant: 'no such tenant',
  issuer_url:
    'the issuer must be an https URL without query or fragment (http only on loopback with npm start)',
  authority_url: '--authority is a scheme and host only, and only for npm start and tests',
  entra_tenant_id: '--entra-tenant-id must be the directory (tenant) id, a GUID',
  consumer_tenant: 'the Microsoft consumer tenant is refused unless --allow-consumer is given',
  client_id: 'a client id is required',
  client_secret: 'a client secret (--client-secret), or a private key and its certificate, is required',
  credential: 'give either --client-secret or --private-key-file with --certificate-file, not both',
  certificate: '--certificate-file must hold one X.509 certificate in PEM, given with --private-key-file',
  certificate_expired: 'the certificate has expired',
  private_key:
    '--private-key-file must hold an unencrypted RSA private key of at least 2048 bits in PEM, given with --certificate-file',
  key_mismatch: 'the private key does not belong to the certificate',
  certificate_in_use:
    'another connection uses this certificate already: give each connection its own key pair',
  scopes: 'scopes must include openid',
  domain: 'not an e-mail domain',
  domain_not_held: 'the tenant does not hold this domain (tenant domain add)',
  mapping: 'a role mapping needs --claim groups|roles, --value, --client and --role',
  trust: 'give --acr or --amr',
  link_tenant: 'the user belongs to another tenant than the connection',
  link_taken: 'that upstream identity is linked to a user already',
  admin_tenant: 'a tenant administrator must belong to the tenant named with --tenant',
  invitation_used: 'that invitation was accepted or revoked already',
  logo_url: 'a logo is an https URL of at most 2000 characters',
  logo_image: 'an app logo is a PNG, JPEG, GIF or WebP image of at most 24 KiB',
  accent: 'an accent colour is #rrggbb',
  changed_meanwhile: 'someone else changed it meanwhile: read it again and retry',
  foreign_domain: "another tenant has proved that address's domain: its people belong to that tenant",
  name: 'a name is 1-200 characters',
  domain_unproved:
    'the TXT record was not found at the name given when the domain was claimed (DNS changes can take a while to appear)',
  dns_unavailable: 'the DNS could not be asked just now; try again',
  federation_only:
    'this organisation signs in through its own identity provider only: join through its button',
};

/** One sentence for a domain error, with its detail worded where there is one. */
export function describeError(err: DomainError, policy: Config['passwordPolicy']): string {
  const withDetail = err as DomainError & {
    violations?: Violation[];
    reason?: InvalidClientReason;
    value?: string;
  };
  if (err.code === 'weak_password' && withDetail.violations)
    return withDetail.violations.map((v) => describeViolation(v, policy)).join(' ');
  if (err.code === 'invalid_client' && withDetail.reason) {
    const text = INVALID_CLIENT[withDetail.reason];
    return withDetail.value ? `${text}: ${withDetail.value}` : text;
  }
  if (err.code === 'not_found' && err.detail) return `No such ${err.detail.replace('_', '-')}.`;
  if (err.code === 'unknown_role' && err.detail) return `The app has no role ${err.detail}.`;
  if (err.code === 'client_exists' && err.detail) return `An app with the id ${err.detail} exists already.`;
  if (err.code === 'invalid_setting' && err.detail && Object.hasOwn(INVALID_SETTING, err.detail))
    return `Not accepted: ${INVALID_SETTING[err.detail as InvalidSettingReason]}.`;
  return GENERIC[err.code];
}
