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
import { argon2Hasher, type PasswordHasher } from '../../functions/domain/password-hash.ts';
import { PolicyViolation } from '../../functions/domain/password-policy.ts';
import { type AuditEvent, EmailTaken, type UserStore } from '../../functions/domain/ports.ts';

/**
 * The account rules, written once and run against every port implementation: in memory (unit
 * tests) and on DynamoDB (test/integration/directory.test.ts), with the same assertions.
 */
export type Ports = Omit<Deps, 'clock' | 'config' | 'hasher'> & { events(): Promise<AuditEvent[]> };

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
const WRONG = 'wrong-wrong-wrong';
const WINDOW = 600_000;

/** argon2id, counting how many real and dummy verifications ran. */
function countingHasher() {
  const counts = { verify: 0, dummy: 0 };
  const hasher: PasswordHasher = {
    ...argon2Hasher,
    verify: (hash, password) => {
      counts.verify++;
      return argon2Hasher.verify(hash, password);
    },
    dummyVerify: (params) => {
      counts.dummy++;
      return argon2Hasher.dummyVerify(params);
    },
  };
  return { hasher, counts };
}

/** The same store with some methods replaced (fault injection); the rest still run on the real store. */
function override(users: UserStore, changes: Partial<UserStore>): UserStore {
  return new Proxy(users, {
    get(target, prop) {
      if (prop in changes) return changes[prop as keyof UserStore];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function accountRules(makePorts: () => Promise<Ports>): void {
  const setup = async () => {
    const ports = await makePorts();
    const clock = new ManualClock();
    const { hasher, counts } = countingHasher();
    const deps: Deps = { ...ports, clock, config, hasher };
    const email = `u${Math.random().toString(36).slice(2)}@example.com`;
    const user = await createUser(deps, { email, name: 'U', password: GOOD, actor: 'test' });
    const context = { ip: '192.0.2.7', userAgent: 'spec' };
    const login = (password: string) => authenticatePassword(deps, { email: user.email, password, context });
    const stored = async () => (await ports.users.findById(user.id)) ?? assert.fail('user vanished');
    // The audit table may be shared by several tests: look only at this user's events.
    const events = async () => (await ports.events()).filter((e) => e.target === user.id);
    return { ports, clock, deps, user, login, counts, stored, events };
  };
  const fail3 = async (login: (p: string) => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await login(WRONG);
  };

  it('signs in with the right password', async () => {
    const { login, user } = await setup();
    const outcome = await login(GOOD);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.ok && outcome.user.id, user.id);
  });

  it('locks the account after the third wrong password', async () => {
    const { login, stored, events } = await setup();
    for (let i = 0; i < 3; i++) assert.deepEqual(await login(WRONG), { ok: false, reason: 'bad_password' });
    assert.ok(((await stored()).lockedUntil ?? 0) > 0);
    assert.equal((await events()).filter((e) => e.type === 'account.locked').length, 1);
  });

  it('refuses the right password while locked, without verifying it', async () => {
    const { login, counts } = await setup();
    await fail3(login);
    const before = counts.verify;
    assert.deepEqual(await login(GOOD), { ok: false, reason: 'locked' });
    assert.equal(counts.verify, before, 'no real verification while locked');
    assert.equal(counts.dummy, 1, 'but the same argon2 cost, for timing');
  });

  it('releases the lock when the window has passed, and counts afresh', async () => {
    const { login, clock } = await setup();
    await fail3(login);
    clock.advance(WINDOW - 1);
    assert.equal((await login(GOOD)).ok, false);
    clock.advance(1);
    await login(WRONG);
    await login(WRONG);
    assert.equal((await login(GOOD)).ok, true);
  });

  it('resets the counter on success', async () => {
    const { login, stored } = await setup();
    await login(WRONG);
    await login(WRONG);
    assert.equal((await login(GOOD)).ok, true);
    assert.equal((await stored()).failedAttempts, 0);
    await login(WRONG);
    await login(WRONG);
    assert.equal((await login(GOOD)).ok, true);
  });

  it('lets an admin password reset lift the lock', async () => {
    const { login, deps, user, events } = await setup();
    await fail3(login);
    await setPassword(deps, { userId: user.id, password: 'another fine passphrase', actor: 'admin' });
    assert.equal((await login('another fine passphrase')).ok, true);
    assert.ok((await events()).some((e) => e.type === 'password.reset' && e.actor === 'admin'));
  });

  it('verifies at most three of 50 simultaneous wrong guesses and ends locked', async () => {
    const { login, counts, stored, events } = await setup();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => login(WRONG)));
    assert.ok(counts.verify <= 3, `${counts.verify} real verifications`);
    assert.ok(outcomes.every((o) => !o.ok));
    assert.ok(((await stored()).lockedUntil ?? 0) > 0);
    assert.equal((await events()).filter((e) => e.type === 'account.locked').length, 1);
  });

  it('gives unknown users, wrong passwords and locked accounts the same shape and argon2 cost', async () => {
    const { deps, login, counts } = await setup();
    const unknown = await authenticatePassword(deps, { email: 'nobody@example.com', password: GOOD });
    const malformed = await authenticatePassword(deps, { email: 'not an e-mail', password: GOOD });
    const wrong = [await login(WRONG), await login(WRONG), await login(WRONG)];
    const locked = await login(GOOD);
    for (const outcome of [unknown, malformed, ...wrong, locked]) {
      assert.equal(outcome.ok, false);
      assert.deepEqual(Object.keys(outcome).sort(), ['ok', 'reason']);
    }
    assert.equal(
      counts.verify + counts.dummy,
      6,
      'one argon2 verification per attempt, whatever the outcome',
    );
  });

  it('refuses a disabled account even with the right password', async () => {
    const { login, ports, user, counts } = await setup();
    await ports.users.updateProfile(user.id, { disabled: true });
    assert.deepEqual(await login(GOOD), { ok: false, reason: 'disabled' });
    assert.equal(counts.verify, 0);
    assert.equal(counts.dummy, 1);
  });

  it('does not stay locked for ever when attempts were claimed but never recorded', async () => {
    const { login, ports, user, clock, stored } = await setup();
    const policy = { maxAttempts: 3, durationMs: WINDOW };
    for (let i = 0; i < 3; i++) await ports.users.claimAttempt(user.id, clock.now().getTime(), policy);
    assert.equal((await stored()).lockedUntil, null);
    assert.deepEqual(await login(GOOD), { ok: false, reason: 'locked' });
    clock.advance(WINDOW);
    assert.equal((await login(GOOD)).ok, true);
  });

  it('refuses a verified password when a concurrent failure locked the account meanwhile', async () => {
    const { ports, user, clock } = await setup();
    const policy = { maxAttempts: 3, durationMs: WINDOW };
    const now = clock.now().getTime();
    assert.equal((await ports.users.claimAttempt(user.id, now, policy)).kind, 'granted');
    for (let i = 0; i < 2; i++)
      assert.equal((await ports.users.claimAttempt(user.id, now, policy)).kind, 'granted');
    assert.equal((await ports.users.claimAttempt(user.id, now, policy)).kind, 'locked');
    assert.equal(await ports.users.recordFailure(user.id, now, policy), now + WINDOW);
    assert.equal(await ports.users.recordSuccess(user.id, now), false);
  });

  it('settles a sign-in only on what its claim saw: not after a reset, sign-out everywhere or disable', async () => {
    const { ports, user, clock } = await setup();
    const policy = { maxAttempts: 3, durationMs: WINDOW };
    const claim = async () => {
      const c = await ports.users.claimAttempt(user.id, clock.now().getTime(), policy);
      assert.equal(c.kind, 'granted');
      return c.kind === 'granted' ? c.user : user;
    };
    const now = () => clock.now().getTime();
    let seen = await claim();
    await ports.users.endSessions(user.id, now());
    assert.equal(await ports.users.recordSuccess(user.id, now(), seen), false, 'signed out everywhere');
    seen = await claim();
    assert.equal(await ports.users.recordSuccess(user.id, now(), seen), true, 'nothing changed since');
    seen = await claim();
    clock.advance(1000);
    await ports.users.setPassword(user.id, 'other-hash', now());
    assert.equal(await ports.users.recordSuccess(user.id, now(), seen), false, 'password reset');
    seen = await claim();
    await ports.users.updateProfile(user.id, { disabled: true });
    assert.equal(await ports.users.recordSuccess(user.id, now(), seen), false, 'disabled');
  });

  it('refuses the right password if a lock landed while it was being verified', async () => {
    const { deps, user } = await setup();
    const users = override(deps.users, { recordSuccess: async () => false });
    const outcome = await authenticatePassword({ ...deps, users }, { email: user.email, password: GOOD });
    assert.deepEqual(outcome, { ok: false, reason: 'locked' });
  });

  it('fails closed when the store fails', async () => {
    const { deps, user } = await setup();
    const broken = async () => {
      throw new Error('throttled');
    };
    for (const method of ['findIdByEmailKey', 'claimAttempt', 'recordFailure', 'recordSuccess'] as const) {
      const users = override(deps.users, { [method]: broken });
      const password = method === 'recordFailure' ? WRONG : GOOD;
      await assert.rejects(
        authenticatePassword({ ...deps, users }, { email: user.email, password }),
        /throttled/,
      );
    }
  });

  it('keeps e-mail addresses unique regardless of case and compatibility forms', async () => {
    const { deps, user } = await setup();
    for (const email of [user.email.toUpperCase(), user.email.replace('@', '＠')]) {
      await assert.rejects(createUser(deps, { email, name: 'X', password: GOOD, actor: 't' }), EmailTaken);
    }
    const found = await deps.users.findByEmailKey(user.email.toLowerCase());
    assert.equal(found?.id, user.id);
  });

  it('refuses a password the policy forbids', async () => {
    const { deps } = await setup();
    await assert.rejects(
      createUser(deps, { email: 'p@example.com', name: 'X', password: 'password123', actor: 't' }),
      PolicyViolation,
    );
    assert.equal(await deps.users.findIdByEmailKey('p@example.com'), null);
  });

  it('upgrades a hash made with older parameters at the next login', async () => {
    const { deps, ports, user, login } = await setup();
    const stronger = { ...deps, config: { ...config, argon2: { ...config.argon2, timeCost: 3 } } };
    const before = (await ports.users.findById(user.id))?.passwordHash ?? '';
    assert.match(before, /t=2/);
    assert.equal((await authenticatePassword(stronger, { email: user.email, password: GOOD })).ok, true);
    const after = (await ports.users.findById(user.id))?.passwordHash ?? '';
    assert.match(after, /t=3/);
    assert.equal((await login(GOOD)).ok, true, 'the upgraded hash still verifies');
  });

  it('grants roles per app: roles of app A are invisible in app B', async () => {
    const { deps, ports, user, events } = await setup();
    const app = (clientId: string, roles: string[]) =>
      buildClient({ clientId, redirectUris: [`https://${clientId}.example/cb`], roles }, new Date()).client;
    await ports.clients.put(app('app-a', ['editor']));
    await ports.clients.put(app('app-b', ['admin']));
    await grantRole(deps, { email: user.email, clientId: 'app-a', role: 'editor', actor: 't' });
    await assert.rejects(
      grantRole(deps, { email: user.email, clientId: 'app-b', role: 'editor', actor: 't' }),
      UnknownRole,
    );
    assert.deepEqual(await ports.roles.rolesIn(user.id, 'app-a'), ['editor']);
    assert.deepEqual(await ports.roles.rolesIn(user.id, 'app-b'), []);
    const all = await events();
    assert.ok(all.some((e) => e.type === 'role.granted' && e.clientId === 'app-a'));
  });

  it('audits logins with source address and reason, never the password', async () => {
    const { login, events } = await setup();
    await login(GOOD);
    await fail3(login);
    const all = await events();
    const failures = all.filter((e) => e.type === 'login.failure');
    assert.equal(failures.length, 3);
    assert.ok(
      failures.every((e) => e.reason === 'bad_password' && e.ip === '192.0.2.7' && e.userAgent === 'spec'),
    );
    assert.ok(all.some((e) => e.type === 'login.success' && e.outcome === 'success'));
    assert.ok(all.some((e) => e.type === 'account.locked'));
    const text = JSON.stringify(all);
    assert.ok(!text.includes(WRONG) && !text.includes(GOOD) && !text.includes('$argon2'));
  });
}
