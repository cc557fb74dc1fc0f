import { CfnResource, Stack, type IResolvable } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Lambda's limit on a function's environment: "4 KB, for all environment variables associated
 * with the function, in aggregate" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 * Lambda measures the variables as one JSON object, quotes and escapes included: its refusal
 * reads "…exceeded the 4KB limit. String measured: {"KEY":"value",…}"
 * (https://github.com/github-aws-runners/terraform-aws-github-runner/issues/3594).
 */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/**
 * The longest each pseudo parameter resolves to: partition `aws-us-gov`; Region codes are at
 * most 15 characters today (`us-isof-south-1`), 16 leaves room; `amazonaws.com.cn`.
 */
const PSEUDO_PARAMETER_MAX: Readonly<Record<string, number>> = {
  'AWS::Partition': 10,
  'AWS::Region': 16,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 16,
  'AWS::StackName': 128,
};

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:` at its longest. */
const SECRET_ARN_PREFIX_MAX = 'arn::secretsmanager:::secret:'.length + 10 + 16 + 12;
/** Secrets Manager appends `-` and six random characters to a secret's name in its ARN. */
const SECRET_ARN_SUFFIX = 7;
/** Secret names have at most 512 characters. */
const SECRET_NAME_MAX = 512;
/**
 * What a value known only at deploy time counts for: the longest secret ARN, since secret ARNs
 * are the only values of the environment that may come from outside the stack.
 */
const UNKNOWN_MAX = SECRET_ARN_PREFIX_MAX + SECRET_NAME_MAX + SECRET_ARN_SUFFIX;

/**
 * The most bytes Lambda can measure for `environment` once CloudFormation has resolved it: each
 * literal part exactly (JSON-escaped), each reference at the longest value it can take.
 */
export function maxEnvironmentBytes(scope: IConstruct, environment: Readonly<Record<string, string>>): number {
  const stack = Stack.of(scope);
  const entries = Object.entries(environment).map(([key, value]) =>
    escapedLength(key) + 2 + 1 + 2 + maxResolvedLength(stack, stack.resolve(value)));
  return 2 + entries.reduce((sum, n) => sum + n, 0) + Math.max(0, entries.length - 1);
}

/** The longest string `value` (a resolved CloudFormation value) becomes, JSON-escaped. */
function maxResolvedLength(stack: Stack, value: unknown): number {
  if (typeof value === 'string') return escapedLength(value);
  if (typeof value === 'number') return String(value).length;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join !== undefined) {
    const [separator, parts] = join;
    return parts.reduce<number>((sum, part) => sum + maxResolvedLength(stack, part), 0) + escapedLength(separator) * Math.max(0, parts.length - 1);
  }
  const ref = (value as { Ref?: string }).Ref;
  if (typeof ref === 'string') return PSEUDO_PARAMETER_MAX[ref] ?? maxRefLength(stack, ref);
  return UNKNOWN_MAX;
}

/** The longest a `Ref` to a resource of the stack returns. */
function maxRefLength(stack: Stack, logicalId: string): number {
  const resource = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === logicalId);
  switch (resource?.cfnResourceType) {
    case 'AWS::SQS::Queue':
      // https://sqs.<region>.<url suffix>/<account>/<queue name of at most 80 characters>
      return 'https://sqs.'.length + 16 + 1 + 16 + 1 + 12 + 1 + 80;
    case 'AWS::S3::Bucket':
      return 63;
    case 'AWS::SecretsManager::Secret': {
      // The secret's ARN. Without a Name, CloudFormation names a secret after its logical id:
      // "This example creates a secret named CloudFormationCreatedSecret-a1b2c3d4e5f6."
      // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_secret.html)
      const name = stack.resolve((resource as CfnResource & { name?: string | IResolvable }).name);
      return SECRET_ARN_PREFIX_MAX + (typeof name === 'string' ? escapedLength(name) : logicalId.length + '-a1b2c3d4e5f6'.length) + SECRET_ARN_SUFFIX;
    }
    default:
      return UNKNOWN_MAX;
  }
}

function escapedLength(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}
