import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { SesameIdentityProvider } from '../../infra/construct/identity-provider.ts';
import type { SesameDomainProps } from '../../infra/construct/props.ts';
import { stubCode, synthApp } from './support.ts';

type Resource = { Properties: Record<string, unknown> };

function edge(domain: (stack: Stack) => Partial<SesameDomainProps>): Template {
  const stack = new Stack(new App(), 'Team');
  new SesameIdentityProvider(stack, 'Idp', {
    code: stubCode(),
    domain: {
      domainName: 'login.team.example',
      certificate: Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:1:certificate/x'),
      hostedZone: HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
        hostedZoneId: 'Z1',
        zoneName: 'team.example',
      }),
      ...domain(stack),
    },
  });
  return Template.fromStack(stack);
}

const truststore = (stack: Stack) => ({
  bucket: Bucket.fromBucketName(stack, 'Trust', 'team-truststore'),
  key: 'ca.pem',
});

function domainNamed(t: Template, name: string): Record<string, unknown> {
  const found = (Object.values(t.findResources('AWS::ApiGateway::DomainName')) as Resource[]).find(
    (r) => r.Properties.DomainName === name,
  );
  assert.ok(found, `no AWS::ApiGateway::DomainName ${name}`);
  return found.Properties;
}

function recordTypes(t: Template, name: string): string[] {
  return (Object.values(t.findResources('AWS::Route53::RecordSet')) as Resource[])
    .filter((r) => r.Properties.Name === `${name}.`)
    .map((r) => String(r.Properties.Type))
    .sort();
}

describe('the edge: TLS policy, IPv6 and mutual TLS on its own host', () => {
  it('serves the browsers’ domain with TLS 1.3 only (STRICT), on the API as on the domain', () => {
    const t = edge(() => ({}));
    const d = domainNamed(t, 'login.team.example');
    assert.equal(d.SecurityPolicy, 'SecurityPolicy_TLS13_1_3_2025_09');
    assert.equal(d.EndpointAccessMode, 'STRICT');
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointAccessMode: 'STRICT',
    });
  });

  it('offers TLS 1.3 or TLS 1.2 with forward secrecy for old back ends, on request', () => {
    const t = edge(() => ({ tlsPolicy: 'tls13-or-tls12' }));
    assert.equal(
      domainNamed(t, 'login.team.example').SecurityPolicy,
      'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
    );
    const legacy = edge(() => ({ tlsPolicy: 'legacy-tls12' }));
    const d = domainNamed(legacy, 'login.team.example');
    assert.equal(d.SecurityPolicy, 'TLS_1_2');
    assert.equal(d.EndpointAccessMode, undefined, 'legacy policies take no access mode');
  });

  it('makes the domain dual-stack, so that its AAAA alias has IPv6 addresses behind it', () => {
    const t = edge(() => ({}));
    assert.deepEqual(domainNamed(t, 'login.team.example').EndpointConfiguration, {
      Types: ['REGIONAL'],
      IpAddressType: 'dualstack',
    });
    assert.deepEqual(recordTypes(t, 'login.team.example'), ['A', 'AAAA']);
  });

  it('creates no AAAA record for an IPv4-only domain', () => {
    const t = edge(() => ({ ipv6: false }));
    assert.deepEqual(domainNamed(t, 'login.team.example').EndpointConfiguration, {
      Types: ['REGIONAL'],
      IpAddressType: 'ipv4',
    });
    assert.deepEqual(recordTypes(t, 'login.team.example'), ['A']);
  });

  it('never demands client certificates on the browsers’ domain: mutual TLS gets mtls.<domain>', () => {
    const t = edge((stack) => ({ mutualTls: truststore(stack) }));
    const browsers = domainNamed(t, 'login.team.example');
    assert.equal(browsers.MutualTlsAuthentication, undefined);
    assert.equal(browsers.SecurityPolicy, 'SecurityPolicy_TLS13_1_3_2025_09');
    const mtls = domainNamed(t, 'mtls.login.team.example');
    assert.deepEqual(mtls.MutualTlsAuthentication, { TruststoreUri: 's3://team-truststore/ca.pem' });
    // Mutual TLS cannot use an enhanced policy; the handshake uses the API's, which stays legacy.
    assert.equal(mtls.SecurityPolicy, 'TLS_1_2');
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      SecurityPolicy: 'TLS_1_2',
      EndpointAccessMode: Match.absent(),
    });
    // Both hosts map the same stage at the root, both have their alias records.
    t.resourceCountIs('AWS::ApiGateway::BasePathMapping', 2);
    assert.deepEqual(recordTypes(t, 'mtls.login.team.example'), ['A', 'AAAA']);
    assert.deepEqual(recordTypes(t, 'login.team.example'), ['A', 'AAAA']);
  });

  it('takes its own host name and certificate for the mTLS host', () => {
    const t = edge((stack) => ({
      mutualTls: {
        ...truststore(stack),
        domainName: 'machines.team.example',
        certificate: Certificate.fromCertificateArn(
          stack,
          'MtlsCert',
          'arn:aws:acm:eu-west-1:1:certificate/m',
        ),
      },
    }));
    const d = domainNamed(t, 'machines.team.example');
    assert.equal(d.RegionalCertificateArn, 'arn:aws:acm:eu-west-1:1:certificate/m');
    assert.ok(d.MutualTlsAuthentication);
  });

  it('refuses mutual TLS on the browsers’ domain at synth, saying why', () => {
    assert.throws(
      () => edge((stack) => ({ mutualTls: { ...truststore(stack), domainName: 'LOGIN.team.example' } })),
      /domain\.mutualTls\.domainName \("LOGIN\.team\.example"\): is the browsers' domain; .*client certificate/,
    );
  });

  it('passes cdk-nag with a custom domain from context, TLS 1.3 and IPv6 by default', () => {
    const t = synthApp({
      context: {
        'sesame:local': '',
        'sesame:domainName': 'id.example.com',
        'sesame:certificateArn': 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
        'sesame:hostedZoneId': 'Z123',
        'sesame:hostedZoneName': 'example.com',
        'sesame:ipv6': 'false',
        'sesame:tlsPolicy': 'tls13-or-tls12',
      },
    }).template('Sesame');
    const d = domainNamed(t, 'id.example.com');
    assert.equal(d.SecurityPolicy, 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09');
    assert.deepEqual(recordTypes(t, 'id.example.com'), ['A']);
  });
});
