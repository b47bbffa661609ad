import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../infra/bundling.ts';
import { RESERVED_CONCURRENCY_WARNING } from '../../infra/construct/identity-provider.ts';
import { ALARMS_WITHOUT_ACTION } from '../../infra/construct/monitoring.ts';
import { LOCALSTACK_ACCOUNT } from '../../infra/stacks/localstack.ts';
import { synthApp } from './support.ts';

const stackNames = (context: Record<string, string>) =>
  synthApp({ context })
    .app.node.children.map((c) => c.node.id)
    .filter((id) => id.startsWith('Sesame'))
    .sort();

/** The shell lines of the first fenced block under a README heading. */
function commandsUnder(file: string, heading: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  const section = text.slice(text.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
}

describe('a fresh account', () => {
  it('cannot get SesameLocal from `cdk deploy --all`: the stack exists only with -c sesame:local=true', () => {
    assert.deepEqual(stackNames({ 'sesame:local': '' }), ['Sesame']);
    assert.deepEqual(stackNames({ 'sesame:local': 'true' }), ['Sesame', 'SesameLocal']);
  });

  it('refuses SesameLocal in any account but LocalStack’s, by a rule CloudFormation checks first', () => {
    const synthesized = synthApp();
    const rules = synthesized.template('SesameLocal').toJSON().Rules as Record<string, unknown>;
    assert.deepEqual(rules.OnlyInLocalStack, {
      Assertions: [
        {
          Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, LOCALSTACK_ACCOUNT] },
          AssertDescription: 'SesameLocal (no WAF, destroyed with its stack) is for LocalStack only',
        },
      ],
    });
    const production = synthesized.template('Sesame').toJSON().Rules as Record<string, unknown>;
    assert.equal(production.OnlyInLocalStack, undefined);
  });

  it('warns at synth when the alarms have nowhere to go', () => {
    const quiet = synthApp().stack('Sesame');
    Annotations.fromStack(quiet).hasWarning(
      '*',
      Match.stringLikeRegexp(`alarms have no action.*\\[ack: ${ALARMS_WITHOUT_ACTION}\\]`),
    );
    const heard = synthApp({ context: { 'sesame:alarmEmail': 'ops@example.com' } }).stack('Sesame');
    Annotations.fromStack(heard).hasNoWarning('*', Match.stringLikeRegexp('alarms have no action'));
  });

  it('warns at synth that a reserved concurrency needs the account quota checked first', () => {
    Annotations.fromStack(synthApp().stack('Sesame')).hasNoWarning(
      '*',
      Match.stringLikeRegexp('reservedConcurrency'),
    );
    const capped = synthApp({ context: { 'sesame:reservedConcurrency': '50' } }).stack('Sesame');
    Annotations.fromStack(capped).hasWarning(
      '*',
      Match.stringLikeRegexp(
        `reservedConcurrency 50: .*get-account-settings.*\\[ack: ${RESERVED_CONCURRENCY_WARNING}\\]`,
      ),
    );
  });

  it('is bootstrapped by the README’s deploy commands before the first deploy', () => {
    for (const [file, heading] of [
      ['README.md', '## Deploying to AWS with CDK'],
      ['docs/operations.md', '## Deploy'],
    ] as const) {
      const lines = commandsUnder(file, heading);
      const bootstrap = lines.findIndex((l) => /cdk bootstrap/.test(l));
      const deploy = lines.findIndex((l) => /cdk deploy/.test(l));
      assert.ok(bootstrap >= 0 && deploy > bootstrap, `${file}: cdk bootstrap before cdk deploy`);
    }
  });
});
