/**
 * Findings of cdk-nag and checkov that the construct accepts by design, written into the
 * CloudFormation metadata of its own resources (the format both tools read), so that users
 * who run them on their stacks see only what is theirs to decide. No dependency on either tool.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `appliesTo` entries: a finding string, or a regex over finding strings. */
export type AppliesTo = string | { readonly regex: string };

export interface Accepted {
  /** cdk-nag rule id, e.g. `AwsSolutions-IAM5`. */
  readonly nag?: string;
  /** checkov check ids, e.g. `CKV_AWS_117`. */
  readonly checkov?: readonly string[];
  /** Why the finding is accepted: at least a sentence. */
  readonly reason: string;
  readonly appliesTo?: readonly AppliesTo[];
}

interface NagRule {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: readonly AppliesTo[];
}

/**
 * One entry per rule id: cdk-nag reads only the first entry of an id, so the findings (and
 * reasons) of several entries are combined.
 */
function mergeRules(rules: readonly NagRule[]): NagRule[] {
  const merged = new Map<string, NagRule>();
  for (const rule of rules) {
    const previous = merged.get(rule.id);
    if (previous === undefined) {
      merged.set(rule.id, rule);
    } else {
      const appliesTo = previous.applies_to && rule.applies_to ? [...previous.applies_to, ...rule.applies_to] : undefined;
      merged.set(rule.id, { id: rule.id, reason: `${previous.reason} ${rule.reason}`, ...(appliesTo ? { applies_to: appliesTo } : {}) });
    }
  }
  return [...merged.values()];
}

/**
 * Adds the accepted findings to the CloudFormation resource of `scope` (itself or its default
 * child), merging with metadata already there.
 */
export function accept(scope: IConstruct | undefined, accepted: readonly Accepted[]): void {
  const resource = scope?.node.defaultChild ?? scope;
  if (resource instanceof CfnResource) {
    const nag = accepted.filter((a) => a.nag !== undefined).map((a) => ({
      id: a.nag!,
      reason: a.reason,
      ...(a.appliesTo ? { applies_to: a.appliesTo } : {}),
    }));
    const checkov = accepted.flatMap((a) => (a.checkov ?? []).map((id) => ({ id, comment: a.reason })));
    if (nag.length > 0) {
      const existing: NagRule[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
      resource.addMetadata('cdk_nag', { rules_to_suppress: mergeRules([...existing, ...nag]) });
    }
    if (checkov.length > 0) {
      const existing = resource.getMetadata('checkov')?.skip ?? [];
      resource.addMetadata('checkov', { skip: [...existing, ...checkov] });
    }
  }
}
