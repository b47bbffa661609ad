import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../functions/cli/commands.ts';
import { exitFor } from '../../functions/cli/errors.ts';
import { runCommand } from '../../functions/cli/run.ts';
import { ConfigError, parseConfig } from '../../functions/config/config.ts';
import { InvalidClient } from '../../functions/domain/clients.ts';
import { PolicyViolation } from '../../functions/domain/password-policy.ts';
import { NotFound } from '../../functions/domain/ports.ts';

describe('the CLI’s mapping from errors to exit status and message', () => {
  const policy = parseConfig({ issuer: 'https://id.example.com' }).passwordPolicy;

  it('refusals exit 1, bad usage 2, failures 3 without internals', () => {
    assert.deepEqual(exitFor(new NotFound('user'), policy), {
      status: 1,
      error: 'not_found',
      message: 'No such user.',
    });
    const weak = exitFor(new PolicyViolation(['too_short', 'common']), policy);
    assert.equal(weak.status, 1);
    assert.match(weak.message, /at least 12 characters/);
    const bad = exitFor(new InvalidClient('redirect_uri_scheme', 'http://shop.example.com/cb'), policy);
    assert.equal(bad.status, 2);
    assert.match(bad.message, /https.*http:\/\/shop\.example\.com\/cb/);
    assert.equal(exitFor(new UsageError('--email is required'), policy).status, 2);
    const failed = exitFor(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'TimeoutError' }),
      policy,
    );
    assert.deepEqual(failed, { status: 3, error: 'failed', message: 'TimeoutError' });
  });
});

describe('the CLI’s arguments and environment', () => {
  it('refuses a repeated single-valued option instead of acting on the last one', async () => {
    await assert.rejects(
      runCommand(['user', 'show', '--email', 'a@example.com', '--email', 'b@example.com'], {
        SESAME_USE_AWS: 'true',
      }),
      { name: 'UsageError', message: '--email given twice' },
    );
  });

  it('answers an invalid configuration with exit 2 and its message, not a stack trace', () => {
    const err = new ConfigError('SESAME_LOCKOUT_MAX_ATTEMPTS must be a whole number');
    assert.deepEqual(exitFor(err, null), {
      status: 2,
      error: 'configuration',
      message: 'SESAME_LOCKOUT_MAX_ATTEMPTS must be a whole number',
    });
  });
});
