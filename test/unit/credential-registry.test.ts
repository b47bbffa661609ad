import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amrOf, SECOND_STEPS, STRATEGIES, secondStep } from '../../functions/domain/credentials/registry.ts';
import { ACR, acrFor, amrFor } from '../../functions/oidc/acr.ts';

describe('the credential strategy registry', () => {
  it('lists every strategy once, the password and federation as the first steps', () => {
    const ids = STRATEGIES.map((s) => s.method);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      STRATEGIES.filter((s) => s.step === 'first').map((s) => s.method),
      ['password', 'federation'],
    );
    assert.deepEqual(
      SECOND_STEPS.map((s) => s.method),
      ['passkey', 'totp', 'email', 'recovery'],
    );
    for (const s of SECOND_STEPS) assert.equal(secondStep(s.method), s, `${s.method} is found by its name`);
    assert.equal(secondStep('password'), undefined, 'a first step is no second step');
    assert.equal(secondStep('constructor'), undefined);
  });

  it('derives amr from the strategies (RFC 8176) and acr from the proven strength', () => {
    assert.deepEqual(amrOf('password', null), ['pwd']);
    for (const method of ['totp', 'email', 'recovery'] as const)
      assert.deepEqual(amrFor(method), ['pwd', 'otp', 'mfa']);
    assert.equal(acrFor(null), ACR.password);
    assert.equal(acrFor('any'), ACR.mfaEmail);
    assert.equal(acrFor('strong'), ACR.mfa);
    assert.equal(acrFor('phishing-resistant'), ACR.phishingResistant);
    // A passkey's own values by default, or those its use reported (a device-bound key: hwk).
    assert.deepEqual(amrFor('passkey'), ['pwd', 'swk', 'user', 'mfa']);
    assert.deepEqual(amrFor('passkey', 'password', ['hwk', 'user']), ['pwd', 'hwk', 'user', 'mfa']);
  });
});
