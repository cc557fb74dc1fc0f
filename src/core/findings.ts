/**
 * Findings of cdk-nag and checkov that the construct accepts by design, recorded on its own
 * resources in the formats the tools read, so that users who run them on their stacks see only
 * what is theirs to decide. No dependency on either tool.
 *
 * - checkov: `checkov.skip` in the resource's CloudFormation metadata.
 * - cdk-nag 2 (an Aspect): `cdk_nag.rules_to_suppress` in the resource's CloudFormation metadata.
 * - cdk-nag 3 (a policy validation plugin, run after synthesis): construct metadata of type
 *   `aws:cdk:acknowledged-rules` on the resource, `{ <finding id>: <reason> }`. It compares ids
 *   exactly: a rule's id acknowledges a rule with one finding per resource, and a rule with several
 *   (IAM4, IAM5) needs each finding's id, e.g. `AwsSolutions-IAM5[Resource::<Archive1234.Arn>/raw/*]`,
 *   which names logical ids, so those are computed in an Aspect once the tree is complete.
 *
 * The Aspects run at `AspectPriority.MUTATING`, before cdk-nag 2's (added at the default
 * priority), and see every policy that carries a role's statements, including those created after
 * the constructor: `<role>/DefaultPolicy`, `<role>/OverflowPolicyN`, and, with the feature flag
 * `@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy` that `cdk init` sets,
 * `<function>/inlinePolicyAddedToExecutionRole-N`.
 */
import { AspectPriority, Aspects, CfnResource, Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The construct metadata type cdk-nag 3 reads (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY` in
 * aws-cdk-lib 2.252 and later; written directly, because `Validations.acknowledge()` does not exist
 * in older versions and, before 2.269, rejects finding ids with several `::`).
 */
export const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/** `appliesTo` entries: a finding string, or a regex over finding strings (`/…/`). */
export type AppliesTo = string | { readonly regex: string };

export interface Accepted {
  /** cdk-nag rule id, e.g. `AwsSolutions-IAM5`. */
  readonly nag?: string;
  /** checkov check ids, e.g. `CKV_AWS_117`. */
  readonly checkov?: readonly string[];
  /** Why the finding is accepted: at least a sentence. */
  readonly reason: string;
  /** Which findings of a rule with several per resource (IAM4, IAM5) are accepted. */
  readonly appliesTo?: readonly AppliesTo[];
}

/** Findings of IAM4 or IAM5 that a role's policies may carry. */
export interface AcceptedPolicyFindings {
  readonly nag: string;
  readonly reason: string;
  readonly appliesTo: readonly AppliesTo[];
}

interface NagRule {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: readonly AppliesTo[];
}

/**
 * Adds the accepted findings to the CloudFormation resource of `scope` (itself or its default
 * child), merging with what is already there.
 */
export function accept(scope: IConstruct | undefined, accepted: readonly Accepted[]): void {
  const resource = scope?.node.defaultChild ?? scope;
  if (!CfnResource.isCfnResource(resource)) {
    return;
  }
  const nag = accepted.filter((a): a is Accepted & { nag: string } => a.nag !== undefined);
  if (nag.length > 0) {
    suppressForNag2(resource, nag);
    acknowledgeForNag3(resource, nag.filter((a) => a.appliesTo === undefined).map((a) => [a.nag, a.reason]));
    const granular = nag.filter((a): a is AcceptedPolicyFindings => a.appliesTo !== undefined);
    if (granular.length > 0) {
      lateOn(resource, (node) => {
        if (node === resource) acknowledgeForNag3(resource, granular.flatMap((a) => findingIds(resource, a)));
      });
    }
  }
  const checkov = accepted.flatMap((a) => (a.checkov ?? []).map((id) => ({ id, comment: a.reason })));
  if (checkov.length > 0) {
    const existing = resource.getMetadata('checkov')?.skip ?? [];
    resource.addMetadata('checkov', { skip: [...existing, ...checkov] });
  }
}

/**
 * Accepts findings of the IAM policies that carry `role`'s statements, wherever CDK puts them
 * within the role's scope, on each policy where they occur.
 */
export function acceptPolicyFindings(role: iam.IRole | undefined, accepted: readonly AcceptedPolicyFindings[]): void {
  const roleResource = role?.node.defaultChild;
  const scope = role?.node.scope;
  if (!CfnResource.isCfnResource(roleResource) || scope === undefined) {
    return;
  }
  lateOn(scope, (node) => {
    if (!isPolicyOf(node, roleResource)) return;
    const found = accepted.map((a) => ({ accepted: a, ids: findingIds(node, a) })).filter((f) => f.ids.length > 0);
    if (found.length > 0) {
      suppressForNag2(node, found.map((f) => f.accepted));
      acknowledgeForNag3(node, found.flatMap((f) => f.ids));
    }
  });
}

/** Runs `visit` on every node under `scope` once the tree is complete, before cdk-nag 2 does. */
function lateOn(scope: IConstruct, visit: (node: IConstruct) => void): void {
  Aspects.of(scope).add({ visit }, { priority: AspectPriority.MUTATING });
}

/** cdk-nag 2: one entry per rule id (it reads only the first), findings and reasons combined. */
function suppressForNag2(resource: CfnResource, accepted: ReadonlyArray<Accepted & { readonly nag: string }>): void {
  const rules = new Map<string, NagRule>();
  const existing: NagRule[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  for (const rule of [...existing, ...accepted.map((a) => ({ id: a.nag, reason: a.reason, ...(a.appliesTo ? { applies_to: a.appliesTo } : {}) }))]) {
    const previous = rules.get(rule.id);
    if (previous === undefined) {
      rules.set(rule.id, rule);
    } else {
      const appliesTo = previous.applies_to && rule.applies_to ? [...previous.applies_to, ...rule.applies_to] : undefined;
      rules.set(rule.id, { id: rule.id, reason: `${previous.reason} ${rule.reason}`, ...(appliesTo ? { applies_to: appliesTo } : {}) });
    }
  }
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...rules.values()] });
}

/** cdk-nag 3: `[finding id, reason]` pairs; reasons of the same id are combined. */
function acknowledgeForNag3(resource: CfnResource, entries: ReadonlyArray<readonly [string, string]>): void {
  if (entries.length === 0) return;
  const acknowledged: Record<string, string> = {};
  for (const [id, reason] of entries) {
    acknowledged[id] = acknowledged[id] === undefined || acknowledged[id] === reason ? reason : `${acknowledged[id]} ${reason}`;
  }
  resource.node.addMetadata(ACKNOWLEDGED_RULES, acknowledged);
}

/** The ids cdk-nag gives the accepted findings of `accepted.nag` on `resource`, with the reason. */
function findingIds(resource: CfnResource, accepted: AcceptedPolicyFindings): Array<[string, string]> {
  return findingsOf(resource, accepted.nag)
    .filter((finding) => accepted.appliesTo.some((a) => (typeof a === 'string' ? a === finding : toRegExp(a.regex).test(finding))))
    .map((finding) => [`${accepted.nag}[${finding}]`, accepted.reason]);
}

/**
 * The findings of cdk-nag's IAM4 (AWS managed policies) and IAM5 (wildcards) rules on a resource,
 * as cdk-nag 2 and 3 compute them (rules/iam/IAMNoManagedPolicies.ts and
 * IAMNoWildcardPermissions.ts in cdklabs/cdk-nag, Apache-2.0).
 */
function findingsOf(resource: CfnResource, ruleId: string): string[] {
  const stack = Stack.of(resource);
  const findings = new Set<string>();
  if (ruleId.endsWith('-IAM5')) {
    for (const document of policyDocuments(resource)) {
      for (const statement of document?.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        [statement.Action].flat().filter((action: string) => action?.includes('*')).forEach((action: string) => findings.add(`Action::${action}`));
        [statement.Resource].flat().map(flatten).filter((r) => r.includes('*')).forEach((r) => findings.add(`Resource::${r}`));
      }
    }
  } else if (ruleId.endsWith('-IAM4')) {
    if (resource.cfnResourceType === iam.CfnRole.CFN_RESOURCE_TYPE_NAME) {
      for (const arn of stack.resolve((resource as iam.CfnRole).managedPolicyArns) ?? []) {
        const policy = flatten(stack.resolve(arn));
        if (policy.includes(':iam::aws:')) findings.add(`Policy::${policy}`);
      }
    }
  } else {
    throw new Error(`Cannot tell the findings of ${ruleId}; accept it without appliesTo.`);
  }
  return [...findings];
}

/** The resolved policy documents of a role (inline) or a policy. */
function policyDocuments(resource: CfnResource): any[] {
  const stack = Stack.of(resource);
  if (resource.cfnResourceType === iam.CfnRole.CFN_RESOURCE_TYPE_NAME) {
    return (stack.resolve((resource as iam.CfnRole).policies) ?? []).map((policy: any) => stack.resolve(stack.resolve(policy).policyDocument));
  }
  if (POLICY_TYPES.includes(resource.cfnResourceType)) {
    return [stack.resolve((resource as iam.CfnPolicy).policyDocument)];
  }
  return [];
}

/** A CloudFormation value as one string, as cdk-nag writes it in finding ids (utils/flatten-cfn-reference.ts). */
function flatten(value: any): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\${/g, '<').replace(/}/g, '>');
  if (value['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  if (value['Fn::Sub']) return flatten(value['Fn::Sub']);
  if (value['Fn::GetAtt']) return `<${flatten(value['Fn::GetAtt'][0])}.${flatten(value['Fn::GetAtt'][1])}>`;
  if (value['Fn::ImportValue']) return flatten(value['Fn::ImportValue']);
  if (value.Ref) return `<${flatten(value.Ref)}>`;
  return JSON.stringify(value);
}

/** cdk-nag's `/pattern/flags` notation. */
function toRegExp(notation: string): RegExp {
  const match = /\/(.*)\/(.*)?/.exec(notation);
  if (!match) throw new Error(`Invalid regular expression ${notation}`);
  return new RegExp(match[1], match[2] ?? '');
}

/** Whether `node` is an IAM policy attached to `role`. */
function isPolicyOf(node: IConstruct, role: CfnResource): node is CfnResource {
  if (!CfnResource.isCfnResource(node) || !POLICY_TYPES.includes(node.cfnResourceType)) return false;
  const stack = Stack.of(node);
  const ref = JSON.stringify(stack.resolve(role.ref));
  return (stack.resolve((node as iam.CfnPolicy).roles) ?? []).some((r: unknown) => JSON.stringify(r) === ref);
}

const POLICY_TYPES = [iam.CfnPolicy.CFN_RESOURCE_TYPE_NAME, iam.CfnManagedPolicy.CFN_RESOURCE_TYPE_NAME];
