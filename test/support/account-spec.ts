import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildClient } from '../../functions/domain/clients.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import {
  authenticatePassword,
  createUser,
  type Deps,
  grantRole,
  setPassword,
  UnknownRole,
} from '../../functions/domain/login.ts';
import { PolicyViolation } from '../../functions/domain/password-policy.ts';
import { type AuditEvent, EmailTaken } from '../../functions/domain/ports.ts';

/**
 * The account rules, written once and run against every UserStore implementation: in memory
 * (unit tests, microseconds) and on DynamoDB (integration tests), with the same assertions.
 */
export type Ports = Omit<Deps, 'clock' | 'config'> & { events(): Promise<AuditEvent[]> };

const config = {
  lockout: { maxAttempts: 3, durationSeconds: 600 },
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  passwordPolicy: {
    minLength: 12,
    maxLength: 128,
    requireDigit: false,
    requireUpper: false,
    requireLower: false,
    requireSpecial: false,
  },
};
const GOOD = 'a perfectly fine passphrase';

export function accountSpec(makePorts: () => Promise<Ports>): void {
  const setup = async () => {
    const ports = await makePorts();
    const clock = new ManualClock();
    const deps: Deps = { ...ports, clock, config };
    const user = await createUser(deps, {
      email: `u${Math.random()}@example.com`,
      name: 'U',
      password: GOOD,
      actor: 'test',
    });
    const login = (password: string) => authenticatePassword(deps, { email: user.email, password });
    return { ports, clock, deps, user, login };
  };

  it('signs in with the right password', async () => {
    const { login } = await setup();
    assert.equal((await login(GOOD)).ok, true);
  });

  it('locks the account after the third wrong password', async () => {
    const { login } = await setup();
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await login('wrong-wrong-wrong'), { ok: false, reason: 'bad_password' });
    assert.deepEqual(await login(GOOD), { ok: false, reason: 'locked' });
  });

  it('unlocks when the window has passed, and counts afresh', async () => {
    const { login, clock } = await setup();
    for (let i = 0; i < 3; i++) await login('wrong-wrong-wrong');
    clock.advance(600_000 - 1);
    assert.equal((await login(GOOD)).ok, false);
    clock.advance(1);
    assert.equal((await login(GOOD)).ok, true);
  });

  it('resets the counter on success', async () => {
    const { login } = await setup();
    await login('wrong-wrong-wrong');
    await login('wrong-wrong-wrong');
    assert.equal((await login(GOOD)).ok, true);
    await login('wrong-wrong-wrong');
    await login('wrong-wrong-wrong');
    assert.equal((await login(GOOD)).ok, true);
  });

  it('lets an admin password reset lift the lock', async () => {
    const { login, deps, user } = await setup();
    for (let i = 0; i < 3; i++) await login('wrong-wrong-wrong');
    await setPassword(deps, { userId: user.id, password: 'another fine passphrase', actor: 'admin' });
    assert.equal((await login('another fine passphrase')).ok, true);
  });

  it('verifies at most three of 20 simultaneous wrong guesses', async () => {
    const { login, ports, user } = await setup();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => login('wrong-wrong-wrong')));
    assert.ok(outcomes.filter((o) => !o.ok && o.reason === 'bad_password').length <= 3);
    assert.ok(((await ports.users.findById(user.id))?.lockedUntil ?? 0) > 0);
  });

  it('reports unknown users with the same shape as wrong passwords', async () => {
    const { deps } = await setup();
    const outcome = await authenticatePassword(deps, { email: 'nobody@example.com', password: GOOD });
    assert.equal(outcome.ok, false);
    assert.deepEqual(Object.keys(outcome).sort(), ['ok', 'reason']);
  });

  it('keeps e-mail addresses unique regardless of case', async () => {
    const { deps, user } = await setup();
    await assert.rejects(
      createUser(deps, { email: user.email.toUpperCase(), name: 'X', password: GOOD, actor: 't' }),
      EmailTaken,
    );
  });

  it('refuses a password the policy forbids', async () => {
    const { deps } = await setup();
    await assert.rejects(
      createUser(deps, { email: 'p@example.com', name: 'X', password: 'password123', actor: 't' }),
      PolicyViolation,
    );
  });

  it('upgrades a hash made with older parameters at the next login', async () => {
    const { deps, ports, user, login } = await setup();
    const weaker = {
      ...deps,
      config: { ...config, argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 } },
    };
    const stronger = {
      ...deps,
      config: { ...config, argon2: { memoryCost: 19456, timeCost: 3, parallelism: 1 } },
    };
    await setPassword(weaker, { userId: user.id, password: GOOD, actor: 't' });
    const before = (await ports.users.findById(user.id))?.passwordHash;
    assert.equal((await authenticatePassword(stronger, { email: user.email, password: GOOD })).ok, true);
    const after = (await ports.users.findById(user.id))?.passwordHash;
    assert.notEqual(after, before);
    assert.match(after ?? '', /t=3/);
    assert.equal((await login(GOOD)).ok, true);
  });

  it('grants roles per app: roles of app A are invisible in app B', async () => {
    const { deps, ports, user } = await setup();
    await ports.clients.put(
      buildClient(
        { clientId: 'app-a', redirectUris: ['https://a.example/cb'], roles: ['editor'] },
        new Date(),
      ).client,
    );
    await ports.clients.put(
      buildClient({ clientId: 'app-b', redirectUris: ['https://b.example/cb'], roles: ['admin'] }, new Date())
        .client,
    );
    await grantRole(deps, { email: user.email, clientId: 'app-a', role: 'editor', actor: 't' });
    await assert.rejects(
      grantRole(deps, { email: user.email, clientId: 'app-b', role: 'editor', actor: 't' }),
      UnknownRole,
    );
    assert.deepEqual(await ports.roles.rolesIn(user.id, 'app-a'), ['editor']);
    assert.deepEqual(await ports.roles.rolesIn(user.id, 'app-b'), []);
  });

  it('audits failures and lockouts without the password', async () => {
    const { login, ports } = await setup();
    for (let i = 0; i < 3; i++) await login('wrong-wrong-wrong');
    const events = await ports.events();
    assert.ok(events.some((e) => e.type === 'account.locked'));
    assert.ok(events.filter((e) => e.type === 'login.failure').length >= 3);
    assert.ok(!JSON.stringify(events).includes('wrong-wrong-wrong'));
  });
}
