import {
  type RemovalPolicy,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accept, acceptPolicyFindings } from './findings';
import type { HandlerMetrics } from './handler-metrics';

/**
 * The oldest Node.js major the handler bundles are built for (`HANDLER_TARGET` in .projenrc.ts);
 * the `runtime` prop accepts this one and every newer one.
 */
export const MIN_NODE_MAJOR = 22;

let nodejs24: lambda.Runtime | undefined;

/**
 * The functions' runtime unless the `runtime` prop sets one: Node.js 24. Older aws-cdk-lib
 * versions (2.193.0 among them) have no `Runtime.NODEJS_24_X`; where it exists, that instance is
 * used rather than a new one, because every `Runtime` instance joins `Runtime.ALL`, which
 * cdk-nag's latest-runtime rule reads.
 */
export function defaultRuntime(): lambda.Runtime {
  return (lambda.Runtime as { readonly NODEJS_24_X?: lambda.Runtime }).NODEJS_24_X
    ?? (nodejs24 ??= new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }));
}

/**
 * The Node.js major version of a Lambda runtime (`nodejs24.x` → 24); undefined for any other
 * runtime, and for a token (a runtime chosen at deployment, such as `determineLatestNodeRuntime()`
 * in an environment-agnostic stack), which cannot be checked at synthesis.
 */
export function nodeMajorOf(runtime: lambda.Runtime): number | undefined {
  const match = runtime.family === lambda.RuntimeFamily.NODEJS ? /^nodejs(\d+)\.x$/.exec(runtime.name) : null;
  return match ? Number(match[1]) : undefined;
}

/** What every function of the construct shares: where it logs, how it runs, who it reports as. */
export interface FunctionSettings {
  /** The Lambda runtime of every function. */
  readonly runtime: lambda.Runtime;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the function's log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** The VPC to run in, if any. */
  readonly vpc?: ec2.IVpc;
  /** Subnets of `vpc`. */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The security groups of the functions in `vpc` (one per function, created by Lambda's construct, if not given). */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** The customer managed key of the construct's data, if any. */
  readonly encryptionKey?: kms.IKey;
  /** Metric naming of the owning construct. */
  readonly metrics: HandlerMetrics;
}

/** The props every handler function starts from: its own role and log group, ARM64, JSON logs. */
export interface FunctionBase {
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  readonly loggingFormat: lambda.LoggingFormat;
  readonly tracing?: lambda.Tracing;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * A least-privilege role and a log group with retention for one function, created in `scope` as
 * `Role` and `Logs`. No managed policy, except the one Lambda needs to attach to a VPC.
 */
export function functionBase(scope: Construct, description: string, settings: FunctionSettings): FunctionBase {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });
  acceptLogGroupFindings(logGroup);
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
  });
  logGroup.grantWrite(role);
  if (settings.vpc) {
    // What Lambda needs to attach the function to the VPC's subnets (network interfaces).
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    accept(role, [{
      nag: 'AwsSolutions-IAM4',
      reason: 'Lambda attaches AWSLambdaVPCAccessExecutionRole to functions in a VPC; it grants only the network interface actions Lambda needs there.',
      appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/service-role\\/AWSLambdaVPCAccessExecutionRole$/' }],
    }]);
  }
  return {
    runtime: settings.runtime,
    architecture: lambda.Architecture.ARM_64,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: settings.tracing ? lambda.Tracing.ACTIVE : undefined,
    ...(settings.vpc ? { vpc: settings.vpc, vpcSubnets: settings.vpcSubnets, securityGroups: settings.securityGroups } : {}),
    role,
    logGroup,
  };
}

/** Grants `actions` on one resource to the function's role. */
export function allow(fn: lambda.Function, actions: string[], resource: string): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [resource] }));
}

/** Key actions on the key itself (Key.grant would write `*`, meaning this key, in the role's policy). */
export function grantKey(fn: lambda.Function, key: kms.IKey | undefined, ...actions: string[]): void {
  if (key) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [key.keyArn] }));
}

/** CloudWatch Logs encrypts at rest; the construct's logs hold no bodies or secrets. */
export function acceptLogGroupFindings(logGroup: logs.ILogGroup | undefined): void {
  accept(logGroup, [{
    checkov: ['CKV_AWS_158'],
    reason: 'CloudWatch Logs encrypts every log group at rest; these logs hold no webhook bodies or secrets, so a customer managed key would add cost without protecting more.',
  }]);
}

/**
 * The findings every handler function accepts by design. `reserved` says whether the function
 * has reserved concurrency.
 */
export function acceptFunctionFindings(fn: lambda.Function, settings: FunctionSettings, reserved: boolean): void {
  accept(fn, [
    {
      nag: 'Serverless-LambdaDLQ',
      checkov: ['CKV_AWS_116'],
      reason: 'No function is invoked asynchronously: API Gateway invokes ingest and status synchronously, and failures of the processor go to the queue\'s own dead-letter queue.',
    },
    ...(settings.vpc ? [] : [{
      checkov: ['CKV_AWS_117'],
      reason: 'The functions call only public AWS APIs (SQS, S3, DynamoDB, Secrets Manager), so a VPC is opt-in (vpc): it adds endpoint or NAT costs and no isolation.',
    }]),
    {
      checkov: ['CKV_AWS_173'],
      reason: 'The environment holds no secrets, only resource names and secret ARNs, and Lambda encrypts it at rest.',
    },
    ...(reserved ? [] : [{
      checkov: ['CKV_AWS_115'],
      reason: 'Reserved concurrency is opt-in (concurrency.ingestReservedConcurrency, concurrency.processorReservedConcurrency) because it takes from the account\'s pool; the processor is bounded by the event source\'s maximum concurrency.',
    }]),
    ...(settings.tracing ? [] : [{
      nag: 'Serverless-LambdaTracing',
      reason: 'X-Ray tracing is opt-in (tracing: true) because traces are billed for every webhook.',
    }]),
  ]);
  if (settings.tracing) {
    acceptPolicyFindings(fn.role, [{
      nag: 'AwsSolutions-IAM5',
      reason: 'The X-Ray actions PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
      appliesTo: ['Resource::*'],
    }]);
  }
}
