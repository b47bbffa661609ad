import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../functions/config/config.ts';
import { mfaRequirement, type PolicyInput } from '../../functions/domain/mfa/policy.ts';
import { requestedStrength, satisfies } from '../../functions/oidc/acr.ts';

const base = (mfa: Record<string, unknown> = {}): PolicyInput => ({
  config: parseConfig({ issuer: 'https://id.example.com', mfa }).mfa,
  clientId: 'shop',
  clientRequires: false,
  userRequires: false,
  userOptedIn: false,
  userRoles: [],
  requested: null,
});

describe('MFA policy', () => {
  it('asks nobody by default, and everybody under `required`', () => {
    assert.deepEqual(mfaRequirement(base()), { required: false });
    assert.deepEqual(mfaRequirement(base({ policy: 'required' })), { required: true, strength: 'any' });
  });
  it('requires it per app, per user, per role, and for users who opted in', () => {
    assert.ok(mfaRequirement({ ...base(), clientRequires: true }).required);
    assert.ok(mfaRequirement({ ...base(), userRequires: true }).required);
    assert.ok(mfaRequirement({ ...base(), userOptedIn: true }).required);
    const roles = [{ clientId: 'shop', role: 'clerk' }];
    assert.ok(mfaRequirement({ ...base({ requiredRoles: ['shop:clerk'] }), userRoles: roles }).required);
    assert.ok(!mfaRequirement({ ...base({ requiredRoles: ['other:clerk'] }), userRoles: roles }).required);
  });
  it('raises the strength for acr_values and for a strong mandate', () => {
    assert.deepEqual(mfaRequirement({ ...base(), requested: 'strong' }), {
      required: true,
      strength: 'strong',
    });
    assert.deepEqual(mfaRequirement({ ...base({ requiredStrength: 'strong' }), clientRequires: true }), {
      required: true,
      strength: 'strong',
    });
    assert.deepEqual(mfaRequirement({ ...base({ policy: 'off' }), userOptedIn: true }), { required: false });
  });
  it('reads acr_values as "at least this strong"', () => {
    assert.equal(requestedStrength('urn:sesame:acr:mfa'), 'strong');
    assert.equal(requestedStrength('urn:sesame:acr:mfa urn:sesame:acr:mfa:email'), 'any');
    assert.equal(requestedStrength('urn:sesame:acr:pwd urn:sesame:acr:mfa'), null);
    assert.equal(requestedStrength('something-else'), null);
    assert.ok(!satisfies('urn:sesame:acr:mfa:email', 'strong'));
    assert.ok(satisfies('urn:sesame:acr:mfa', 'any'));
  });
  it('demands a phishing-resistant factor by acr_values, by policy, and never lowers a stronger demand', () => {
    assert.equal(requestedStrength('urn:sesame:acr:mfa:phr'), 'phishing-resistant');
    assert.equal(requestedStrength('urn:sesame:acr:mfa:phr urn:sesame:acr:mfa'), 'strong');
    assert.deepEqual(mfaRequirement({ ...base(), requested: 'phishing-resistant' }), {
      required: true,
      strength: 'phishing-resistant',
    });
    const policy = base({ policy: 'required', requiredStrength: 'phishing-resistant' });
    assert.deepEqual(mfaRequirement({ ...policy, requested: 'strong' }), {
      required: true,
      strength: 'phishing-resistant',
    });
    assert.deepEqual(
      mfaRequirement({
        ...base({ requiredStrength: 'strong' }),
        clientRequires: true,
        requested: 'phishing-resistant',
      }),
      {
        required: true,
        strength: 'phishing-resistant',
      },
    );
    assert.ok(satisfies('urn:sesame:acr:mfa:phr', 'strong'));
    assert.ok(satisfies('urn:sesame:acr:mfa:phr', 'phishing-resistant'));
    assert.ok(!satisfies('urn:sesame:acr:mfa', 'phishing-resistant'));
    assert.ok(!satisfies('urn:sesame:acr:fed:mfa', 'phishing-resistant'));
  });
});
