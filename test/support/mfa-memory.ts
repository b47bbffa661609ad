import {
  MemoryCredentialStore,
  MemoryMailer,
  MemorySignInStore,
} from '../../functions/adapters/memory/mfa-stores.ts';
import { MemorySecretStore } from '../../functions/adapters/memory/stores.ts';
import { secretBox } from '../../functions/adapters/secrets/secret-box.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import type { DomainDeps } from '../../functions/domain/deps.ts';
import { createUser } from '../../functions/domain/login.ts';
import type { PendingSignIn } from '../../functions/domain/ports.ts';
import { memoryFederation } from './federation-memory.ts';
import { memoryPorts } from './memory-ports.ts';

/** MFA domain dependencies on in-memory ports, with a manual clock and a mailer that keeps messages. */
export async function memoryMfa(mfa: Record<string, unknown> = {}) {
  const ports = await memoryPorts();
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const mailer = new MemoryMailer();
  const config = parseConfig({ issuer: 'https://id.example.com', mfa });
  const deps: DomainDeps = {
    ...ports,
    clock,
    config,
    credentials: new MemoryCredentialStore(),
    signIns: new MemorySignInStore(),
    box: secretBox(new MemorySecretStore()),
    mailer,
    ...memoryFederation(),
  };
  const user = await createUser(deps, {
    email: 'una@example.com',
    name: 'Una',
    password: 'a perfectly fine passphrase',
  });
  const pending = async (
    uid: string,
    strength: PendingSignIn['strength'] = 'any',
  ): Promise<PendingSignIn> => {
    const p: PendingSignIn = {
      uid,
      id: `signin-${uid}`,
      userId: user.id,
      remember: false,
      enrol: false,
      expiresAt: clock.now().getTime() + 900_000,
      strength,
      stepUp: false,
    };
    await deps.signIns.putPending(p);
    return p;
  };
  return { deps, clock, mailer, user, pending, ports };
}
