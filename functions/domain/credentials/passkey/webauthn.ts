import type * as SimpleWebAuthn from '@simplewebauthn/server';
import { loadOnce } from '../../load-once.ts';

export type WebAuthn = typeof SimpleWebAuthn;

/**
 * The WebAuthn ceremonies (@simplewebauthn/server), loaded at the first passkey registration or use
 * rather than at every cold start: with its attestation stack (asn1js, @peculiar/x509, tsyringe,
 * reflect-metadata) it is a fifth of the Lambda bundle, and most requests never touch a passkey. The
 * bundle keeps it in a chunk of its own (infra/bundling.ts). Import its types, never its values,
 * anywhere else: one static import would pull it back into every cold start (test/infra checks).
 */
export const loadWebAuthn: () => Promise<WebAuthn> = loadOnce(() => import('@simplewebauthn/server'));
