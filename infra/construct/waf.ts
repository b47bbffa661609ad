import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { SesameWafProps } from './props.ts';

export interface SesameWafConstructProps extends SesameWafProps {
  /** The API Gateway stage ARN to protect. */
  readonly stageArn: string;
}

type Rule = CfnWebACL.RuleProperty;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * Regional AWS WAF web ACL on the REST API stage:
 * 1. per-IP rate limit on the credential endpoints (login/MFA POSTs, /token) — the edge half of the
 *    lockout trade-off: an attacker can't lock out many victims, nor spray passwords, from one IP;
 * 2. per-IP rate limit on everything;
 * 3. AWS managed rules (known bad inputs, Amazon IP reputation list);
 * 4. optional allow-list (Mendix "access restriction profile"): when set, everything else is blocked.
 * Rate rules come first because an Allow verdict ends evaluation.
 */
export class SesameWaf extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: SesameWafConstructProps) {
    super(scope, id);
    const rules: Rule[] = [
      {
        name: 'credential-endpoints-rate',
        priority: 0,
        action: { block: {} },
        visibilityConfig: visibility('SesameCredentialRate'),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.loginRateLimitPer5Minutes ?? 300,
            evaluationWindowSec: 300,
            scopeDownStatement: {
              orStatement: {
                statements: [startsWith('/interaction/', 'POST'), startsWith('/token', 'POST')],
              },
            },
          },
        },
      },
      {
        name: 'global-rate',
        priority: 1,
        action: { block: {} },
        visibilityConfig: visibility('SesameGlobalRate'),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.rateLimitPer5Minutes ?? 2000,
            evaluationWindowSec: 300,
          },
        },
      },
    ];
    if (props.managedRules ?? true) {
      rules.push(
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managed('AWSManagedRulesAmazonIpReputationList', 3),
      );
    }

    const allowed: CfnWebACL.StatementProperty[] = [];
    const ipSet = (name: string, version: 'IPV4' | 'IPV6', addresses: readonly string[] | undefined) => {
      if (!addresses?.length) return;
      const set = new CfnIPSet(this, name, {
        scope: 'REGIONAL',
        ipAddressVersion: version,
        addresses: [...addresses],
      });
      allowed.push({ ipSetReferenceStatement: { arn: set.attrArn } });
    };
    ipSet('AllowedIpv4', 'IPV4', props.allowedIpv4Ranges);
    ipSet('AllowedIpv6', 'IPV6', props.allowedIpv6Ranges);
    const [onlyAllowed] = allowed;
    if (onlyAllowed) {
      rules.push({
        name: 'access-restriction-allow-list',
        priority: 10,
        action: { allow: {} },
        visibilityConfig: visibility('SesameAllowList'),
        statement: allowed.length === 1 ? onlyAllowed : { orStatement: { statements: allowed } },
      });
    }

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Sesame identity provider',
      defaultAction: onlyAllowed ? { block: {} } : { allow: {} },
      visibilityConfig: visibility('Sesame'),
      rules,
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

function startsWith(path: string, method: string): CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'STARTS_WITH',
            searchString: path,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: method,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      ],
    },
  };
}

function managed(name: string, priority: number): Rule {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    visibilityConfig: visibility(name),
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  };
}
