import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private key and its self-signed certificate in PEM files, as an operator makes them for private_key_jwt. */
export interface KeyPairFiles {
  dir: string;
  keyFile: string;
  certFile: string;
  privateKey: string;
  certificate: string;
  /** `x5t#S256` as openssl computes it (SHA-256 fingerprint of the DER, in base64url). */
  x5tS256: string;
  /** The certificate's notAfter as openssl prints it. */
  notAfter: Date;
}

/**
 * Runs the openssl command the README gives operators (`openssl req -x509 -newkey rsa:2048 …`) in a
 * fresh temp folder; `newkey` picks another key type for refusal tests. Remove it with `removeKeyPair`.
 */
export function makeKeyPair(options: { days?: number; newkey?: string[] } = {}): KeyPairFiles {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-keypair-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });
  openssl([
    'req',
    '-x509',
    ...(options.newkey ?? ['-newkey', 'rsa:2048']),
    '-sha256',
    '-days',
    String(options.days ?? 365),
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    '/CN=Sesame test connection',
  ]);
  const fingerprint = openssl(['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256']);
  const hex = fingerprint.split('=')[1]?.trim().replaceAll(':', '') ?? '';
  const enddate = openssl(['x509', '-in', certFile, '-noout', '-enddate']).split('=')[1]?.trim() ?? '';
  return {
    dir,
    keyFile,
    certFile,
    privateKey: readFileSync(keyFile, 'utf8'),
    certificate: readFileSync(certFile, 'utf8'),
    x5tS256: Buffer.from(hex, 'hex').toString('base64url'),
    notAfter: new Date(enddate),
  };
}

export function removeKeyPair(files: KeyPairFiles | undefined): void {
  if (files) rmSync(files.dir, { recursive: true, force: true });
}
