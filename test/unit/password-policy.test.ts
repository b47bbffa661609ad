import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, type PasswordPolicy } from '../../functions/domain/password-policy.ts';
import { describeViolation } from '../../functions/shared/messages.ts';

const policy: PasswordPolicy = {
  minLength: 12,
  maxLength: 64,
  requireDigit: false,
  requireUpper: false,
  requireLower: false,
  requireSpecial: false,
};
const mendix: PasswordPolicy = {
  ...policy,
  requireDigit: true,
  requireUpper: true,
  requireLower: true,
  requireSpecial: true,
};

describe('password policy', () => {
  it('accepts a long passphrase with spaces and any Unicode', () => {
    assert.deepEqual(checkPassword('correct horse battery staple', policy), []);
    assert.deepEqual(checkPassword('ünïcødé påsswörd 🦄 ok', policy), []);
  });
  it('counts code points, not UTF-16 units', () => {
    assert.deepEqual(checkPassword('🦄🦄🦄🦄🦄🦄🦄🦄🦄🦄🦄', policy), ['too_short']);
    assert.deepEqual(checkPassword('🦄🦄🦄🦄🦄🦄🦄🦄🦄🦄🦄🦄', policy), []);
  });
  it('enforces the minimum and maximum length', () => {
    assert.deepEqual(checkPassword('short', policy), ['too_short']);
    assert.deepEqual(checkPassword('x'.repeat(30) + 'y'.repeat(35), policy), ['too_long']);
  });
  it('refuses common passwords whatever their case', () => {
    assert.ok(checkPassword('Password1234', policy).includes('common'));
    assert.ok(checkPassword('QwertyUIOP', { ...policy, minLength: 8 }).includes('common'));
    assert.ok(checkPassword('summer2024!', { ...policy, minLength: 8 }).includes('common'));
  });
  it('refuses a password containing the e-mail local part', () => {
    assert.ok(
      checkPassword('annabelle-rocks-1987', policy, 'annabelle@example.com').includes('contains_email'),
    );
  });
  it('applies Mendix-style composition rules only when configured, one violation per broken rule', () => {
    assert.deepEqual(checkPassword('alllowercaseletters', mendix), [
      'needs_digit',
      'needs_upper',
      'needs_special',
    ]);
    assert.deepEqual(checkPassword('Abcdefgh1234!', mendix), []);
    assert.deepEqual(checkPassword('alllowercaseletters', policy), []);
  });
  it('describes every violation in one sentence', () => {
    for (const v of [
      'too_short',
      'too_long',
      'needs_digit',
      'needs_upper',
      'needs_lower',
      'needs_special',
      'common',
      'contains_email',
    ] as const) {
      assert.match(describeViolation(v, policy), /^[A-Z].+\.$/);
    }
    assert.match(describeViolation('too_short', policy), /12/);
  });
});
