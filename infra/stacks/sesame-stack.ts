import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SesameIdentityProvider } from '../construct/identity-provider.ts';
import type { SesameIdentityProviderProps } from '../construct/props.ts';
import { acknowledgeNagFindings } from '../nag.ts';

export interface SesameStackProps extends StackProps {
  /** Props, or a function building them inside the stack (to import certificates and zones). */
  readonly sesame: SesameIdentityProviderProps | ((stack: Stack) => SesameIdentityProviderProps);
}

/** The project's own deployment: one SesameIdentityProvider per stack, plus its cdk-nag acknowledgements. */
export class SesameStack extends Stack {
  readonly sesame: SesameIdentityProvider;

  constructor(scope: Construct, id: string, props: SesameStackProps) {
    super(scope, id, props);
    const sesameProps = typeof props.sesame === 'function' ? props.sesame(this) : props.sesame;
    this.sesame = new SesameIdentityProvider(this, 'Sesame', sesameProps);
    acknowledgeNagFindings(this.sesame);
    new CfnOutput(this, 'Issuer', {
      value: this.sesame.issuer,
      description: 'OIDC issuer (discovery below it)',
    });
    new CfnOutput(this, 'RestApiId', { value: this.sesame.edge.api.restApiId });
    new CfnOutput(this, 'DirectoryTable', { value: this.sesame.data.tables.directory.tableName });
    const monitoring = this.sesame.monitoring;
    if (monitoring) new CfnOutput(this, 'Dashboard', { value: monitoring.dashboard.dashboardName });
  }
}
