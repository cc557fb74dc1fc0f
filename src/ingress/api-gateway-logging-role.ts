import {
  Annotations,
  RemovalPolicy,
  Stack,
  Token,
  aws_apigateway as apigw,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { accept } from '../core/findings';

const SINGLETON_ID = 'WebhookProcessorApiGatewayCloudWatchRole';
/** Stacks that set the account role, per account and region, across the whole app. */
const SETTERS = Symbol.for('cdk-webhook-processor.apiGatewayAccountSetters');

/**
 * The account- and region-wide role API Gateway assumes to write execution and access logs.
 *
 * "To enable CloudWatch Logs, you must grant API Gateway permission to read and write logs to
 * CloudWatch for your account. The AmazonAPIGatewayPushToCloudWatchLogs managed policy has all
 * the required permissions." Without it a stage with logging fails to deploy ("CloudWatch Logs
 * role ARN must be set in account settings to enable logging").
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 *
 * "To avoid overwriting other roles, you should only have one AWS::ApiGateway::Account resource
 * per region per account."
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html
 *
 * So it is one per stack, shared by every WebhookProcessor in it, and a second stack of the same
 * app in the same account and region that asks for it is refused at synth. The role is retained
 * when the stack is deleted: the account setting outlives the stack (API Gateway has no API to
 * unset it), and every other API in the region logs through the role it names.
 */
export class ApiGatewayLoggingRole extends Construct {
  /** The role of the stack of `scope`, created on first use. */
  public static of(scope: IConstruct): ApiGatewayLoggingRole {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    if (existing instanceof ApiGatewayLoggingRole) return existing;
    claimAccountSetting(stack, scope);
    return new ApiGatewayLoggingRole(stack, SINGLETON_ID);
  }

  /** The role API Gateway assumes. */
  public readonly role: iam.Role;
  /** The account setting that names it. */
  public readonly account: apigw.CfnAccount;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write execution and access logs of every API in this account and region',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new apigw.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account.node.addDependency(this.role);
    accept(this.role, [{
      nag: 'AwsSolutions-IAM4',
      reason: 'The account-level API Gateway CloudWatch role (api.cloudWatchRole) uses AmazonAPIGatewayPushToCloudWatchLogs, the managed policy AWS documents for it.',
      appliesTo: [{ regex: '/^Policy::arn:<AWS::Partition>:iam::aws:policy\\/service-role\\/AmazonAPIGatewayPushToCloudWatchLogs$/' }],
    }]);
  }

  /** Makes `stage` wait for the account setting, which its logging needs. */
  public requiredBy(stage: IConstruct): void {
    stage.node.addDependency(this.account);
  }
}

/** Refuses a second stack of the app that sets the role in the same account and region. */
function claimAccountSetting(stack: Stack, scope: IConstruct): void {
  const app = stack.node.root as IConstruct & { [SETTERS]?: Map<string, string> };
  const setters = app[SETTERS] ??= new Map<string, string>();
  const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  const where = agnostic ? 'env-agnostic' : `${stack.account}/${stack.region}`;
  const other = setters.get(where);
  if (other !== undefined && agnostic) {
    Annotations.of(scope).addWarningV2('cdk-webhook-processor:cloudWatchRoleTwice',
      `Stack ${other} also sets API Gateway's CloudWatch Logs role; if both deploy to one account and region, set 'api.cloudWatchRole: false' in one of them.`);
  } else if (other !== undefined) {
    throw new Error(`${scope.node.path}: 'api.cloudWatchRole' is on, but stack ${other} already sets API Gateway's CloudWatch Logs role in account ${stack.account}, region ${stack.region}; `
      + 'an account and region have one such role. Set \'api.cloudWatchRole: false\' on the WebhookProcessors of every stack but one.');
  }
  setters.set(where, stack.node.path);
}
