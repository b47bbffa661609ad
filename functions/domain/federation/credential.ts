import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { DomainDeps } from '../deps.ts';
import type { Connection, ConnectionCertificate } from '../ports.ts';
import { invalid } from './settings.ts';
import { UpstreamRefused } from './upstream.ts';

/**
 * How Sesame authenticates to a connection's upstream: a client secret (client_secret_post), or an
 * RSA key pair (private_key_jwt) whose certificate the administrator registered upstream — Entra ID
 * takes the certificate upload and knows the key by the certificate's `x5t#S256`. The secret or the
 * private key goes to ConnectionSecrets; only the certificate's thumbprint and expiry stay on the
 * connection.
 */
export interface CredentialInput {
  clientSecret?: string;
  /** PEM (PKCS#8 or PKCS#1), unencrypted. */
  privateKey?: string;
  /** PEM, the X.509 certificate of `privateKey`'s public key. */
  certificate?: string;
}

export interface CheckedCredential {
  /** What ConnectionSecrets keeps: the client secret, or the private key as PKCS#8 PEM. */
  value: string;
  certificate?: ConnectionCertificate;
}

/** Entra ID refuses shorter keys; so should everyone. */
const MIN_RSA_BITS = 2048;

/** Exactly one of a client secret or a private key with its certificate, checked as of `now`. */
export function checkCredential(input: CredentialInput, now: Date): CheckedCredential {
  const keyPair = input.privateKey !== undefined || input.certificate !== undefined;
  if (input.clientSecret !== undefined && keyPair) throw invalid('credential');
  if (!keyPair) {
    if (!input.clientSecret) throw invalid('client_secret');
    return { value: input.clientSecret };
  }
  return checkKeyPair(input.privateKey ?? '', input.certificate ?? '', now);
}

function checkKeyPair(privateKeyPem: string, certificatePem: string, now: Date): CheckedCredential {
  const certificate = parse(() => new X509Certificate(certificatePem), 'certificate');
  if (now >= certificate.validToDate) throw invalid('certificate_expired');
  const key = parse(() => createPrivateKey(privateKeyPem), 'private_key');
  // RS256/PS256 only: what Entra ID accepts for client assertions and every upstream supports.
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
    throw invalid('private_key');
  if (!certificate.checkPrivateKey(key)) throw invalid('key_mismatch');
  return {
    value: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificate: {
      x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
      expiresAt: certificate.validToDate.toISOString(),
    },
  };
}

/** Node's parsers say why in their messages, which can quote the input: only the reason is kept. */
function parse<T extends X509Certificate | KeyObject>(
  read: () => T,
  reason: 'certificate' | 'private_key',
): T {
  try {
    return read();
  } catch {
    throw invalid(reason);
  }
}

/**
 * The credential a sign-in through `connection` authenticates with. A connection without one (the
 * secret was deleted, or never written) refuses the sign-in: it fails closed, with the same page as
 * an unreachable upstream.
 */
export async function connectionCredential(deps: DomainDeps, connection: Connection): Promise<string> {
  const value = await deps.connectionSecrets.get(connection.id);
  if (value === null) throw new UpstreamRefused('upstream_unavailable');
  return value;
}
