import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';

/**
 * A software authenticator for unit tests: an ES256 key pair that answers WebAuthn ceremonies the way
 * a browser and authenticator would (attestation `none`), with a counter the test can set, and an
 * origin it can lie about. The browser tests use Chromium's virtual authenticator instead.
 */
type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [k: string]: Cbor };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const b = Buffer.from(value);
    return Buffer.concat([head(3, b.length), b]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64 = (b: Buffer) => b.toString('base64url');

export class SoftAuthenticator {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  counter = 0;
  constructor(
    readonly rpID: string,
    readonly origin: string,
    readonly options: {
      singleDevice?: boolean;
      aaguid?: Buffer;
      /** Presence only: the authenticator does not verify the user (no PIN, no biometrics). */
      presenceOnly?: boolean;
      /** The user handle it was registered with (a discoverable credential): given in every assertion. */
      userHandle?: string;
      /** An existing key (another process's authenticator, as `exported()` gave it). */
      existing?: { id: string; pkcs8: string };
    } = {},
  ) {
    if (options.existing) {
      this.id = options.existing.id;
      this.privateKey = createPrivateKey({
        key: Buffer.from(options.existing.pkcs8, 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
      this.publicKey = createPublicKey(this.privateKey);
    } else {
      this.id = b64(randomBytes(16));
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.privateKey = pair.privateKey;
      this.publicKey = pair.publicKey;
    }
  }

  /** The credential id and private key, for a SoftAuthenticator elsewhere to answer as this one. */
  exported(): { id: string; pkcs8: string } {
    return {
      id: this.id,
      pkcs8: this.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    };
  }

  cose(): Buffer {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
  }

  private flags(extra: number): number {
    // UP | UV, and BE | BS for a synced (multi-device) credential.
    return 0x01 | (this.options.presenceOnly ? 0 : 0x04) | (this.options.singleDevice ? 0 : 0x18) | extra;
  }

  private authData(extra: number, attested?: Buffer): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([
      sha256(this.rpID),
      Buffer.from([this.flags(extra)]),
      counter,
      attested ?? Buffer.alloc(0),
    ]);
  }

  /** The answer to `navigator.credentials.create()` for these options. */
  register(challenge: string, origin = this.origin) {
    const rawId = Buffer.from(this.id, 'base64url');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(rawId.length);
    const attested = Buffer.concat([this.options.aaguid ?? Buffer.alloc(16), len, rawId, this.cose()]);
    const authData = this.authData(0x40, attested);
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge, origin, crossOrigin: false });
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(Buffer.from(clientData)),
        attestationObject: b64(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
    };
  }

  /** The answer to `navigator.credentials.get()`: the counter goes up by one first. */
  assert(challenge: string, origin = this.origin) {
    this.counter += 1;
    const authData = this.authData(0);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(clientData),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(this.options.userHandle ? { userHandle: b64(Buffer.from(this.options.userHandle)) } : {}),
      },
    };
  }
}
