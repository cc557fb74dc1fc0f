import { Annotations, Token, aws_s3 as s3, type Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { MIN_NODE_MAJOR, nodeMajorOf } from './core/function-base';
import { MAX_REPLAY_RATE } from './delivery/event-replay';
import { WebhookFrontDoor } from './ingress/front-door';
import { internalSenderFeatures, internalSendersProblems } from './ingress/internal-senders';
import { webAclProblems } from './ingress/web-acl-validation';
import { vpcEndpointProblems } from './network/vpc-endpoint-validation';
import { payloadSchemasOf } from './pipeline/payload-schemas-layer';
import { compileAllProblem } from './providers/schema-compiler';
import { SignatureScheme } from './providers/webhook-provider';
import { DEFAULT_ARCHIVE_TRANSITIONS } from './store/webhook-store';
import type { WebhookProcessorProps } from './webhook-processor-props';

/**
 * Days each storage class bills an object for at least, even if deleted sooner
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare).
 */
const MINIMUM_STORAGE_DAYS: Readonly<Record<string, number>> = {
  STANDARD_IA: 30, ONEZONE_IA: 30, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180,
};

/** Storage classes whose objects answer no GET until restored. */
const NEEDS_RESTORE = [s3.StorageClass.GLACIER.value, s3.StorageClass.DEEP_ARCHIVE.value];

/**
 * Throws one error listing every invalid prop, each message naming the prop and the fix; warns
 * of valid but risky choices.
 */
export function validateProps(scope: IConstruct, props: WebhookProcessorProps): void {
  for (const provider of props.providers.filter((p) => p.scheme === SignatureScheme.UNVERIFIED)) {
    Annotations.of(scope).addWarningV2('cdk-webhook-processor:unverifiedProvider',
      `Provider '${provider.name}' is unverified: anyone who knows the URL can post webhooks to it. Use a signed provider (e.g. WebhookProvider.hmac()) in production.`);
  }

  const errors: string[] = [];
  const check = (ok: boolean, message: string) => { if (!ok) errors.push(message); };
  const whole = (value: number | undefined) => value === undefined || Token.isUnresolved(value) || Number.isInteger(value);
  const within = (value: number | undefined, min: number, max: number) =>
    value === undefined || Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);

  check(props.providers.length > 0, "'providers' must list at least one WebhookProvider.");
  const names = props.providers.map((p) => p.name);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  check(duplicates.length === 0, `'providers' has more than one provider named ${duplicates.map((d) => `'${d}'`).join(', ')}; give each a distinct 'name'.`);
  for (const provider of props.providers) {
    errors.push(...provider._validate());
  }
  if (errors.length === 0) {
    // Each schema compiles on its own; the processor compiles them all together.
    const schemas = payloadSchemasOf(props.providers);
    const together = schemas === undefined ? undefined : compileAllProblem(schemas);
    check(together === undefined, `The providers' payload schemas cannot be compiled together, as the processor does: ${together}; give each schema that has an '$id' a distinct one.`);
  }

  if (props.runtime !== undefined && !Token.isUnresolved(props.runtime.name)) {
    check((nodeMajorOf(props.runtime) ?? 0) >= MIN_NODE_MAJOR,
      `'runtime' must be a Node.js runtime of version ${MIN_NODE_MAJOR} or later (e.g. lambda.Runtime.NODEJS_${MIN_NODE_MAJOR}_X), which the handlers are built for; '${props.runtime.name}' is not.`);
  }

  const tolerance = props.signatureTolerance?.toSeconds();
  check(tolerance === undefined || (tolerance >= 1 && tolerance <= 3600), "'signatureTolerance' must be between 1 second and 1 hour.");

  const processing = props.processing ?? {};
  const batchSize = processing.batchSize;
  const ordered = props.ordering !== undefined;
  const window = processing.maxBatchingWindow?.toSeconds() ?? (ordered ? 0 : 5);
  check(within(batchSize, 1, 10000), "'processing.batchSize' must be a whole number from 1 to 10000.");
  if (ordered) {
    errors.push(...orderingProblems(props));
  } else {
    check(batchSize === undefined || batchSize <= 10 || window > 0, "'processing.batchSize' above 10 needs a 'processing.maxBatchingWindow' of at least 1 second.");
  }
  check(window <= 300, "'processing.maxBatchingWindow' must be at most 5 minutes.");
  check(within(processing.maxReceiveCount, 1, 1000), "'processing.maxReceiveCount' must be a whole number from 1 to 1000.");
  check(within(props.replay?.ratePerSecond, 1, MAX_REPLAY_RATE), `'replay.ratePerSecond' must be a whole number from 1 to ${MAX_REPLAY_RATE}.`);
  const timeout = processing.timeout?.toSeconds();
  check(timeout === undefined || (timeout >= 1 && timeout <= 900), "'processing.timeout' must be between 1 second and 15 minutes.");
  check(6 * (timeout ?? 30) + window <= 43200,
    "'processing.timeout' × 6 + 'processing.maxBatchingWindow' must be at most 12 hours (the longest SQS visibility timeout); lower the timeout.");
  check(within(processing.memorySize, 128, 10240), "'processing.memorySize' must be a whole number of MiB from 128 to 10240.");

  const concurrency = props.concurrency ?? {};
  check(within(concurrency.processorMaxConcurrency, 2, 1000), "'concurrency.processorMaxConcurrency' must be a whole number from 2 to 1000.");
  check(whole(concurrency.ingestReservedConcurrency) && (concurrency.ingestReservedConcurrency ?? 1) >= 1,
    "'concurrency.ingestReservedConcurrency' must be a whole number of at least 1.");
  const provisioned = concurrency.ingestProvisionedConcurrency;
  check(within(provisioned, 1, 10000), "'concurrency.ingestProvisionedConcurrency' must be a whole number of at least 1.");
  check(concurrency.ingestProvisionedConcurrencyMax === undefined || provisioned !== undefined,
    "'concurrency.ingestProvisionedConcurrencyMax' needs 'concurrency.ingestProvisionedConcurrency' (the minimum) too.");
  const provisionedMax = concurrency.ingestProvisionedConcurrencyMax;
  check(provisionedMax === undefined || provisioned === undefined || provisionedMax >= provisioned,
    "'concurrency.ingestProvisionedConcurrencyMax' must be at least 'concurrency.ingestProvisionedConcurrency'.");
  const ceiling = concurrency.ingestProvisionedConcurrencyMax ?? provisioned;
  check(ceiling === undefined || concurrency.ingestReservedConcurrency === undefined || ceiling <= concurrency.ingestReservedConcurrency,
    "Provisioned ingest concurrency must not exceed 'concurrency.ingestReservedConcurrency'; raise the reserved concurrency or lower the provisioned one.");
  check(whole(concurrency.processorReservedConcurrency) && (concurrency.processorReservedConcurrency ?? 2) >= 2,
    "'concurrency.processorReservedConcurrency' must be a whole number of at least 2.");
  if (concurrency.processorReservedConcurrency !== undefined) {
    check(concurrency.processorReservedConcurrency >= (concurrency.processorMaxConcurrency ?? 10),
      `'concurrency.processorReservedConcurrency' (${concurrency.processorReservedConcurrency}) must be at least 'concurrency.processorMaxConcurrency' (${concurrency.processorMaxConcurrency ?? 10}), or SQS deliveries are throttled; raise the reserved concurrency or lower the maximum.`);
  }

  const alarms = props.alarms ?? {};
  check(whole(alarms.functionErrorsThreshold) && (alarms.functionErrorsThreshold ?? 0) >= 0, "'alarms.functionErrorsThreshold' must be a whole number, 0 to disable.");
  check(whole(alarms.api5xxThreshold) && (alarms.api5xxThreshold ?? 0) >= 0, "'alarms.api5xxThreshold' must be a whole number, 0 to disable.");
  const rates = { functionErrorRate: alarms.functionErrorRate, api5xxRate: alarms.api5xxRate, signatureRejectionRate: alarms.signatureRejectionRate };
  for (const [name, rate] of Object.entries(rates)) {
    const percent = rate?.thresholdPercent;
    check(percent === undefined || Token.isUnresolved(percent) || (percent >= 0 && percent <= 100),
      `'alarms.${name}.thresholdPercent' must be a percentage from 0 to 100 (0 disables the alarm), e.g. 1 for 1 %; ${percent} is not.`);
    check(within(rate?.minimumCount, 1, Number.MAX_SAFE_INTEGER),
      `'alarms.${name}.minimumCount' must be a whole number of at least 1 (the count below which the rate is not judged).`);
    const period = rate?.period;
    const seconds = period === undefined || period.isUnresolved() ? undefined : period.toSeconds({ integral: false });
    // Standard-resolution metrics (Lambda, API Gateway, the handlers' EMF) have 1-minute datapoints,
    // and an alarm's period × evaluation periods may not exceed one day.
    check(seconds === undefined || (Number.isInteger(seconds / 60) && seconds >= 60 && seconds <= 86400),
      `'alarms.${name}.period' must be a whole number of minutes from 1 minute to 1 day, e.g. Duration.minutes(5).`);
  }

  const lifecycle = props.lifecycle ?? {};
  const transitions = lifecycle.archiveTransitions ?? [];
  // S3 lifecycle rules count in whole days; CDK's own toDays() would throw without naming the prop.
  for (const t of transitions) {
    const days = wholeDays(t.transitionAfter);
    check(days !== INVALID, `'lifecycle.archiveTransitions': 'transitionAfter' of ${t.storageClass.value} must be a whole number of days (S3 lifecycle rules count in days), e.g. Duration.days(30).`);
    const toIa = t.storageClass === s3.StorageClass.INFREQUENT_ACCESS || t.storageClass === s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS;
    check(!toIa || days === undefined || days === INVALID || days >= 30,
      `'lifecycle.archiveTransitions': S3 moves objects to ${t.storageClass.value} no sooner than 30 days; use 'transitionAfter' of at least Duration.days(30).`);
  }
  for (const t of transitions.filter((tr) => NEEDS_RESTORE.includes(tr.storageClass.value))) {
    Annotations.of(scope).addWarningV2('cdk-webhook-processor:archiveNeedsRestore',
      `'lifecycle.archiveTransitions' moves raw/ objects to ${t.storageClass.value}, which answers no GET until restored (RestoreObject: minutes to 48 hours, billed per GB): a record's archive offset can then not be read at once. StorageClass.GLACIER_INSTANT_RETRIEVAL keeps them readable.`);
  }
  const expiration = wholeDays(lifecycle.archiveExpiration);
  check(expiration === undefined || (expiration !== INVALID && expiration >= 1),
    "'lifecycle.archiveExpiration' must be a whole number of days, at least 1 (S3 lifecycle rules count in days), e.g. Duration.days(400).");
  if (expiration !== undefined && expiration !== INVALID && expiration >= 1) {
    // What the bucket will really do: the user's transitions, or the defaults when none are given.
    const effective = (lifecycle.archiveTransitions ?? DEFAULT_ARCHIVE_TRANSITIONS)
      .map((t) => ({ storageClass: t.storageClass.value, days: wholeDays(t.transitionAfter) }))
      .filter((t): t is { storageClass: string; days: number } => typeof t.days === 'number')
      .sort((a, b) => a.days - b.days);
    const latest = effective[effective.length - 1];
    if (latest !== undefined && expiration <= latest.days) {
      errors.push(lifecycle.archiveTransitions === undefined
        ? `'lifecycle.archiveExpiration' (${expiration} days) must come after the default archive transitions, which move raw/ objects to ${latest.storageClass} at ${latest.days} days; set a later expiration, or 'lifecycle.archiveTransitions' (e.g. [] to keep objects in S3 Standard).`
        : `'lifecycle.archiveExpiration' (${expiration} days) must come after the last of 'lifecycle.archiveTransitions' (${latest.storageClass} at ${latest.days} days).`);
    }
    const last = effective.filter((t) => t.days < expiration).pop();
    const minimum = last === undefined ? undefined : MINIMUM_STORAGE_DAYS[last.storageClass];
    if (last !== undefined && minimum !== undefined && expiration - last.days < minimum) {
      Annotations.of(scope).addWarningV2('cdk-webhook-processor:archiveEarlyDeletion',
        `'lifecycle.archiveExpiration' (${expiration} days) deletes raw/ objects ${expiration - last.days} days after they move to ${last.storageClass} at ${last.days} days, which bills at least ${minimum} days: set 'lifecycle.archiveTransitions' so that the last class is reached ${minimum} days or more before the expiration.`);
    }
  }
  const recordDays = lifecycle.recordExpiration?.toSeconds();
  check(recordDays === undefined || recordDays >= 86400, "'lifecycle.recordExpiration' must be at least 1 day.");
  const deadLetterDays = wholeDays(lifecycle.deadLetterExpiration);
  check(deadLetterDays === undefined || (deadLetterDays !== INVALID && deadLetterDays >= 14),
    "'lifecycle.deadLetterExpiration' must be a whole number of days, at least 14 (what the dead-letter queue itself would keep a message), e.g. Duration.days(400).");
  if (typeof deadLetterDays === 'number' && recordDays !== undefined && deadLetterDays * 86400 < recordDays) {
    errors.push(`'lifecycle.deadLetterExpiration' (${deadLetterDays} days) must not be shorter than 'lifecycle.recordExpiration': a dead_lettered record would outlive the dead letter it points at.`);
  }

  const warm = props.tableWarmThroughput ?? {};
  check(within(warm.writeUnitsPerSecond, 1, Number.MAX_SAFE_INTEGER), "'tableWarmThroughput.writeUnitsPerSecond' must be a whole number of at least 1 (e.g. 12000 for 10,000 webhooks a second).");
  check(within(warm.readUnitsPerSecond, 1, Number.MAX_SAFE_INTEGER), "'tableWarmThroughput.readUnitsPerSecond' must be a whole number of at least 1.");

  const api = props.api ?? {};
  check(api.throttlingRateLimit === undefined || api.throttlingRateLimit > 0, "'api.throttlingRateLimit' must be greater than 0.");
  check(within(api.throttlingBurstLimit, 1, 1_000_000), "'api.throttlingBurstLimit' must be a whole number of at least 1.");
  check(api.stageName === undefined || /^[A-Za-z0-9_-]{1,128}$/.test(api.stageName), "'api.stageName' may only contain letters, digits, '_' and '-'.");
  check(!api.disableExecuteApiEndpoint || api.domainName !== undefined,
    "'api.disableExecuteApiEndpoint' needs 'api.domainName': without a custom domain the API would have no endpoint at all.");
  const acl = api.webAclArn;
  if (acl !== undefined && !Token.isUnresolved(acl)) {
    // arn:aws:wafv2:us-east-1:123456789012:regional/webacl/name/id; a CloudFront ACL is global/.
    const aclScope = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:(regional|global)\/webacl\/[\w-]+\/[\w-]+$/.exec(acl)?.[1];
    check(aclScope !== undefined, `'api.webAclArn' (${acl}) is not the ARN of a WAF web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>).`);
    check(aclScope !== 'global', `'api.webAclArn' (${acl}) is a CloudFront (global) web ACL; a REST API stage needs one of scope REGIONAL, in the stack's region.`);
  }

  errors.push(...webAclProblems(props));
  errors.push(...vpcEndpointProblems(props));
  // REST API only: a front door without usage plans, AWS integrations or IAuthorizers refuses internalSenderFeatures().
  errors.push(...internalSendersProblems(props.internalSenders, names));
  errors.push(...frontDoorProblems(props));

  if (errors.length > 0) {
    throw invalidProps(scope, errors);
  }
}

/** The `api` settings the chosen front door does not have, each named with what to do instead. */
function frontDoorProblems(props: WebhookProcessorProps): string[] {
  const frontDoor = props.frontDoor ?? WebhookFrontDoor.REST_API;
  if (frontDoor === WebhookFrontDoor.REST_API) return [];
  const api = props.api ?? {};
  const given = (name: keyof typeof api) => api[name] !== undefined;
  const door = frontDoor === WebhookFrontDoor.HTTP_API ? 'WebhookFrontDoor.HTTP_API' : 'WebhookFrontDoor.FUNCTION_URL';
  const problems: string[] = [];
  const refuse = (name: keyof typeof api, why: string) => {
    if (given(name)) problems.push(`'api.${name}' cannot be used with 'frontDoor: ${door}': ${why}`);
  };
  refuse('webAclArn', 'AWS WAF protects REST API stages, not HTTP APIs or function URLs; use WebhookFrontDoor.REST_API (the default) for a web ACL.');
  refuse('webAcl', 'AWS WAF protects REST API stages, not HTTP APIs or function URLs; use WebhookFrontDoor.REST_API (the default) for a web ACL.');
  for (const feature of internalSenderFeatures(props.internalSenders)) {
    problems.push(`'${feature}' cannot be used with 'frontDoor: ${door}': API keys with usage plans, AWS service integrations (SQS) and IAuthorizers are features of REST APIs; use WebhookFrontDoor.REST_API (the default).`);
  }
  refuse('executionLogging', 'only REST APIs write execution logs; remove it (or use WebhookFrontDoor.REST_API).');
  refuse('cloudWatchRole', "only REST APIs log through the account's API Gateway CloudWatch Logs role; remove it.");
  refuse('stageName', frontDoor === WebhookFrontDoor.HTTP_API
    ? "the HTTP API serves its routes on its '$default' stage, without a stage segment in the URL; remove it."
    : 'function URLs have no stages; remove it.');
  if (frontDoor === WebhookFrontDoor.FUNCTION_URL) {
    const throttle = 'a function URL has no rate limit of its own; cap the ingest function with \'concurrency.ingestReservedConcurrency\' instead (the URL answers 429 beyond it).';
    refuse('throttlingRateLimit', throttle);
    refuse('throttlingBurstLimit', throttle);
    refuse('domainName', 'function URLs take no custom domain (put CloudFront in front of it, or use WebhookFrontDoor.HTTP_API or REST_API).');
    refuse('disableExecuteApiEndpoint', 'function URLs have no execute-api endpoint; remove it.');
    refuse('accessLogging', 'function URLs write no access logs (the functions log every request); remove it.');
  }
  return problems;
}

/**
 * Rules of `ordering`. Lambda's SQS event source on a FIFO queue: "BatchSize … For FIFO queues,
 * the maximum is 10" and "MaximumBatchingWindowInSeconds … Batching window is not supported for
 * FIFO queues" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html).
 */
function orderingProblems(props: WebhookProcessorProps): string[] {
  const problems: string[] = [];
  const processing = props.processing ?? {};
  const batchSize = processing.batchSize;
  if (batchSize !== undefined && !Token.isUnresolved(batchSize) && batchSize > 10) {
    problems.push(`'processing.batchSize' (${batchSize}) must be at most 10 with 'ordering': Lambda takes at most 10 messages per batch from a FIFO queue.`);
  }
  const window = processing.maxBatchingWindow;
  if (window !== undefined && !window.isUnresolved() && window.toSeconds() > 0) {
    problems.push("'processing.maxBatchingWindow' cannot be set with 'ordering': Lambda supports no batching window on a FIFO queue; remove it (batches are then whatever one receive returns, up to 'processing.batchSize').");
  }
  if (props.ordering !== undefined && (props.internalSenders?.iamSenders ?? []).length > 0) {
    problems.push("'internalSenders.iamSenders' cannot be used with 'ordering': API Gateway sends their deliveries to the queue itself, without the message group and deduplication ids a FIFO queue requires; remove one of them (or send those deliveries through a provider route, which the ingest function queues).");
  }
  const names = props.providers.map((p) => p.name);
  for (const [name, key] of Object.entries(props.ordering?.keys ?? {})) {
    if (!names.includes(name)) {
      problems.push(`'ordering.keys' names '${name}', which is not a provider; configured providers: ${names.join(', ')}.`);
    }
    problems.push(...key._problems().map((p) => `'ordering.keys.${name}': ${p}`));
  }
  return problems;
}

/** The error listing every problem, named after the construct so that a stack of several says which. */
export function invalidProps(scope: IConstruct, problems: string[]): Error {
  return new Error(`Invalid WebhookProcessor props at ${scope.node.path}:\n- ${problems.join('\n- ')}`);
}

const INVALID = 'invalid';

/** A duration in whole days, `INVALID` when it is not one, undefined when not given (or a token). */
function wholeDays(duration: Duration | undefined): number | typeof INVALID | undefined {
  if (duration === undefined || duration.isUnresolved()) return undefined;
  const days = duration.toDays({ integral: false });
  return Number.isInteger(days) ? days : INVALID;
}
