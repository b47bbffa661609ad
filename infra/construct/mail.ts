import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { SesameEmailProps } from './props.ts';

/**
 * The SES identity MFA codes and invitations are sent from. A new SES account is in the sandbox
 * (it can mail only verified recipients) until AWS approves production access: see docs/operations.md.
 */
export class SesameMail extends Construct {
  readonly identity: EmailIdentity;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SesameEmailProps,
  ) {
    super(scope, id);
    const domain = props.sender.split('@')[1];
    if (!domain) throw new Error(`email.sender must be an e-mail address, got "${props.sender}"`);
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: props.verifyDomain
        ? props.hostedZone
          ? Identity.publicHostedZone(props.hostedZone)
          : Identity.domain(domain)
        : Identity.email(props.sender),
    });
  }

  /** Send permission on this identity only, and only with the configured From address. */
  grantSend(grantee: IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: this.identity.emailIdentityName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.props.sender } },
      }),
    );
  }
}
