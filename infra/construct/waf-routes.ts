import { STAGE_NAME } from './edge.ts';

/**
 * Which of the application's routes each WAF rule counts, as data (waf.ts turns it into statements;
 * test/infra/waf-routes.test.ts holds it to the routes the application really serves).
 *
 * oidc-provider endpoints that relying parties' back ends call, with client authentication or a
 * bearer token, by their discovery metadata name (oidc-provider's default routes; functions/oidc/
 * provider.ts does not move them). A back end behind one address makes many of these calls —
 * opaque access tokens are introspected — so they get their own, much higher, per-client limits.
 */
export const BACK_CHANNEL_ENDPOINTS = {
  token_endpoint: '/token',
  introspection_endpoint: '/token/introspection',
  revocation_endpoint: '/token/revocation',
  userinfo_endpoint: '/me',
  pushed_authorization_request_endpoint: '/request',
} as const;

/** Endpoints a browser (or anyone) fetches: only the general per-IP limit counts them. */
export const FRONT_CHANNEL_ENDPOINTS = [
  'authorization_endpoint',
  'end_session_endpoint',
  'jwks_uri',
] as const;

/**
 * Sesame's own browser forms (functions/interactions, functions/account): every POST under them
 * carries a credential or changes an account — password, second-factor code, password change,
 * link confirmation, invitation acceptance — so all of them count towards the tight per-IP limit.
 */
export const BROWSER_FORM_PREFIXES = ['/interaction', '/account'] as const;

/**
 * The sign-in form's POST under the authorization endpoint's resume path, `/auth/<uid>/login`
 * (functions/interactions/short-login.ts): a password, counted like the forms above. The
 * authorization endpoint itself (`/auth`, `/auth/<uid>`) stays in the general limit. A regular
 * expression over the lower-cased path, without anchors.
 */
export const SHORT_LOGIN_FORM = '/auth/[^/]+/login/?';

/** Secret-bearing links (the mailed invitation): counted like credentials, whatever the method. */
export const SECRET_LINK_PREFIXES = ['/invitation'] as const;

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The stage prefix browsers send without a custom domain (`/live/token`); absent with one. */
const STAGE = `(?:/${STAGE_NAME})?`;

/**
 * The regular expressions WAF matches on the URI path after URL_DECODE and LOWERCASE, so `/TOKEN`,
 * `/%74oken` and `/live/token` are the same as `/token` (oidc-provider routes case-insensitively and
 * accepts a trailing slash; API Gateway hands the Lambda the path without the stage). PCRE subset:
 * anchors, non-capturing groups, alternation — no capture groups, which WAF refuses.
 */
export const PATH_PATTERNS = {
  backChannel: `^${STAGE}/(?:${Object.values(BACK_CHANNEL_ENDPOINTS)
    .map((p) => literal(p.slice(1)))
    .join('|')})/?$`,
  browserForms: `^${STAGE}(?:/(?:${BROWSER_FORM_PREFIXES.map((p) => literal(p.slice(1))).join('|')})(?:/|$)|${SHORT_LOGIN_FORM}$)`,
  secretLinks: `^${STAGE}/(?:${SECRET_LINK_PREFIXES.map((p) => literal(p.slice(1))).join('|')})(?:/|$)`,
} as const;
