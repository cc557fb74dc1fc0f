import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { WebhookProcessor, WebhookProcessorProps, WebhookProvider } from '../src';

export interface Fixture {
  readonly stack: Stack;
  readonly processor: WebhookProcessor;
  readonly template: Template;
  readonly secret: secretsmanager.ISecret;
}

/** A stack with one WebhookProcessor; `props` may replace any default (providers included). */
export function synth(props: Partial<WebhookProcessorProps> = {}, build?: (stack: Stack) => Partial<WebhookProcessorProps>): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const secret = new secretsmanager.Secret(stack, 'StripeSecret');
  const processor = new WebhookProcessor(stack, 'Webhooks', {
    providers: [WebhookProvider.stripe({ secrets: [secret] })],
    ...props,
    ...(build ? build(stack) : {}),
  });
  let template: Template | undefined;
  // Synthesized on first use, so a test may add constructs (e.g. grantees) before reading it.
  return { stack, processor, secret, get template() { return template ??= Template.fromStack(stack); } };
}

/** Every IAM action granted to a role, across all policies attached to it. */
export function actionsOfRole(template: Template, roleLogicalIdPrefix: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const actions = new Set<string>();
  for (const policy of Object.values(policies)) {
    const roles: Array<{ Ref: string }> = policy.Properties.Roles;
    if (!roles.some((r) => r.Ref.startsWith(roleLogicalIdPrefix))) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return [...actions].sort();
}

export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ')}`);
  return ids[0];
}
