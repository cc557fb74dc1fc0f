import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WebhookVpcEndpointService, type WebhookVpcEndpoints } from './vpc-endpoint-options';

/** Properties of the functions' VPC endpoints. */
export interface FunctionEndpointsProps {
  /** The functions' VPC. */
  readonly vpc: ec2.IVpc;
  /** The functions' subnets (the VPC's private subnets when not given, as Lambda chooses). */
  readonly subnets?: ec2.SubnetSelection;
  /** What to create. */
  readonly endpoints: WebhookVpcEndpoints;
  /** Whether a function reads signing secrets (any provider has secrets). */
  readonly readsSecrets: boolean;
}

/**
 * The VPC endpoints of the services the functions call, and the security group every function
 * runs in. "You access most services by using a VPC interface endpoint. DynamoDB is accessed using
 * a gateway endpoint. Amazon S3 supports both interface and gateway endpoints. Gateway endpoints
 * are recommended for workloads contained within a single AWS account and Region, and come at no
 * additional charge" (https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html);
 * an interface endpoint is a network interface in each subnet, billed per hour and GB
 * (https://aws.amazon.com/privatelink/pricing/). With private DNS the SDK's default endpoints
 * (`sqs.<region>.amazonaws.com`) resolve to the interface endpoint, so the handlers need no
 * endpoint configuration; "to use a private hosted zone, you must set the following VPC
 * attributes to true: enableDnsHostnames and enableDnsSupport"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).
 *
 * Not created, because no function calls them from its network: CloudWatch Logs ("Lambda
 * automatically captures logs for all function invocations and sends them to CloudWatch Logs",
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html; the handlers' metrics
 * are embedded-metric-format log lines), KMS (SQS, S3, DynamoDB and Secrets Manager call it for the
 * encrypted data; no handler calls it), STS (the execution role's credentials are in the environment)
 * and Lambda's SQS and DynamoDB stream pollers (run by Lambda, outside the VPC).
 */
export class FunctionEndpoints extends Construct {
  /** The security group every function runs in; the interface endpoints admit HTTPS from it only. */
  public readonly functionsSecurityGroup: ec2.SecurityGroup;

  /** The interface endpoints' security group. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;

  private readonly props: FunctionEndpointsProps;
  private readonly created: ec2.IVpcEndpoint[] = [];

  constructor(scope: Construct, id: string, props: FunctionEndpointsProps) {
    super(scope, id);
    this.props = props;
    const { vpc } = props;
    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc,
      description: 'Webhook functions: HTTPS to the AWS services they call (through the VPC endpoints)',
      allowAllOutbound: false,
    });
    // Every call is HTTPS to an AWS API: the interface endpoints, or S3 and DynamoDB through the
    // gateway endpoints' routes (their addresses are public, hence any destination). DNS needs no
    // rule: "Security groups cannot block DNS requests to or from the Route 53 Resolver"
    // (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
    this.functionsSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'Interface endpoints of the webhook functions: HTTPS from the functions only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(this.functionsSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the webhook functions');

    this.gateway(WebhookVpcEndpointService.S3, 'S3', ec2.GatewayVpcEndpointAwsService.S3);
    this.gateway(WebhookVpcEndpointService.DYNAMODB, 'DynamoDB', ec2.GatewayVpcEndpointAwsService.DYNAMODB);
    this.interface(WebhookVpcEndpointService.SQS, 'Sqs', ec2.InterfaceVpcEndpointAwsService.SQS);
    if (props.readsSecrets) {
      this.interface(WebhookVpcEndpointService.SECRETS_MANAGER, 'SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
    }
  }

  /** The endpoints created so far. */
  public get endpoints(): ec2.IVpcEndpoint[] {
    return [...this.created];
  }

  /** Adds the EventBridge endpoint, once events are on (the publisher and replay functions put events). */
  public enableEventBridge(): void {
    if (this.node.tryFindChild('EventBridge') === undefined) {
      this.interface(WebhookVpcEndpointService.EVENTBRIDGE, 'EventBridge', ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE);
    }
  }

  private gateway(service: WebhookVpcEndpointService, id: string, awsService: ec2.IGatewayVpcEndpointService): void {
    if (this.props.endpoints.except.includes(service)) return;
    // A route in the route tables of the functions' subnets (only theirs).
    this.created.push(new ec2.GatewayVpcEndpoint(this, id, { vpc: this.props.vpc, service: awsService, subnets: [this.props.subnets ?? {}] }));
  }

  private interface(service: WebhookVpcEndpointService, id: string, awsService: ec2.IInterfaceVpcEndpointService): void {
    if (this.props.endpoints.except.includes(service)) return;
    this.created.push(new ec2.InterfaceVpcEndpoint(this, id, {
      vpc: this.props.vpc,
      service: awsService,
      subnets: this.props.subnets,
      privateDnsEnabled: true,
      securityGroups: [this.endpointSecurityGroup],
      // CDK would otherwise admit HTTPS from the whole VPC CIDR.
      open: false,
    }));
  }
}
