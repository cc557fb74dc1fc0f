import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import type { WebhookProcessorProps } from '../webhook-processor-props';

/** The problems of `vpcEndpoints`, each naming the props and the fix. */
export function vpcEndpointProblems(props: WebhookProcessorProps): string[] {
  const endpoints = props.vpcEndpoints;
  if (!endpoints?.creates) return [];
  if (props.vpc === undefined) {
    return ["'vpcEndpoints' creates VPC endpoints, which needs 'vpc': set 'vpc' (the functions then run in it), or leave 'vpcEndpoints' out."];
  }
  const problems: string[] = [];
  // Only a VPC of this app says how it is configured; an imported one is taken as it is.
  if (props.vpc instanceof ec2.Vpc && !(props.vpc.dnsHostnamesEnabled && props.vpc.dnsSupportEnabled)) {
    problems.push("'vpcEndpoints' creates interface endpoints with private DNS, which needs DNS hostnames and DNS support in 'vpc': set 'enableDnsHostnames' and 'enableDnsSupport' to true on it (the ec2.Vpc defaults).");
  }
  const except = endpoints.except;
  const repeated = [...new Set(except.filter((s, i) => except.indexOf(s) !== i))];
  if (repeated.length > 0) {
    problems.push(`'vpcEndpoints': 'except' lists ${repeated.join(', ')} more than once.`);
  }
  return problems;
}
