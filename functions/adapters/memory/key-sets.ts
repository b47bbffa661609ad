import type { KeySecretName } from '../../domain/keys/key-sets.ts';
import type { KeySetStore, KeySetVersion, RotationStep } from '../../domain/keys/rotation.ts';
import type { SecretStore } from '../../domain/ports.ts';

/**
 * Key secrets with versions, in memory (unit tests): what the application reads (SecretStore, the
 * version in use) and what the rotation writes (KeySetStore, conditional on the version read).
 * Values are copied in and out, as a real store would.
 */
export class MemoryKeySets implements SecretStore, KeySetStore {
  readonly #versions = new Map<string, KeySetVersion[]>();
  #next = 0;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  async getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T> {
    if (!this.#versions.has(name)) this.write(name, await generate());
    return structuredClone(this.#current(name).value) as T;
  }

  async current(secret: KeySecretName): Promise<KeySetVersion> {
    return structuredClone(this.#current(secret));
  }

  async replace(secret: KeySecretName, base: string, value: unknown, step: RotationStep): Promise<boolean> {
    if (this.#current(secret).id !== base) return false;
    this.#append(secret, value, step);
    return true;
  }

  /** A write by anyone else (the keygen, an operator): no rotation step. */
  write(name: string, value: unknown): void {
    this.#append(name, value, undefined);
  }

  /** Every version of a secret, oldest first. */
  history(name: string): KeySetVersion[] {
    return structuredClone(this.#versions.get(name) ?? []);
  }

  #current(name: string): KeySetVersion {
    const version = this.#versions.get(name)?.at(-1);
    if (!version) throw Object.assign(new Error(`no secret ${name}`), { name: 'ResourceNotFoundException' });
    return version;
  }

  #append(name: string, value: unknown, step: RotationStep | undefined): void {
    const versions = this.#versions.get(name) ?? [];
    this.#next += 1;
    versions.push({ id: `v${this.#next}`, value: structuredClone(value), writtenAt: this.#now(), step });
    this.#versions.set(name, versions);
  }
}
