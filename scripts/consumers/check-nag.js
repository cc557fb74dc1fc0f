/**
 * cdk-nag's AwsSolutions and Serverless packs over the construct in a consumer app, run the way
 * users run the installed cdk-nag major: cdk-nag 2 as Aspects, cdk-nag 3 as policy validation
 * plugins (`Validations.of(app).addPlugins(...)`, read back from the validation report). Each
 * configuration is synthesized without feature flags, and with
 * @aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy (which `cdk init` sets) on top of the
 * installed aws-cdk-lib's recommended flags, as in a new app. Run by scripts/test-consumers.sh
 * inside the consumer app, so that aws-cdk-lib, cdk-nag and cdk-webhook-processor are the app's
 * own copies.
 *
 * Fails when any finding is on the construct's resources, or when the findings of the resources
 * the test stack adds outside the construct (a secret without rotation, a queue without a
 * dead-letter queue) are not reported: then a pack did not run.
 *
 * Usage: node check-nag.js
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const cxapi = require('aws-cdk-lib/cx-api');
const events = require('aws-cdk-lib/aws-events');
const kms = require('aws-cdk-lib/aws-kms');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const sqs = require('aws-cdk-lib/aws-sqs');
const nag = require('cdk-nag');
const { WebhookProcessor, WebhookProvider } = require('cdk-webhook-processor');

const FLAG = '@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy';
const NAG_VERSION = require('cdk-nag/package.json').version;
const CDK_VERSION = require('aws-cdk-lib/package.json').version;
const NAG_MAJOR = Number(NAG_VERSION.split('.')[0]);
const CONSTRUCT = 'Nag/Webhooks/';
const CONTROLS = [
  { rule: 'AwsSolutions-SMG4', path: 'Nag/UserSecret/Resource' },
  { rule: 'Serverless-SQSRedrivePolicy', path: 'Nag/UserQueue/Resource' },
];

const configs = {
  'defaults': (secret) => ({ providers: [WebhookProvider.stripe({ secrets: [secret] })] }),
  'tracing, customer managed key, events, dashboard': (secret, stack) => ({
    providers: [WebhookProvider.stripe({ secrets: [secret] }), WebhookProvider.github({ secrets: [secret] })],
    tracing: true,
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    eventBus: new events.EventBus(stack, 'Bus'),
    dashboard: true,
  }),
};

/** `{ rule, path }` of every finding in the app, cdk-nag 2 style: Aspects and a logger. */
function withAspects(app) {
  const findings = [];
  const logger = {
    onCompliance() {},
    onNotApplicable() {},
    onSuppressed() {},
    onSuppressedError() {},
    onNonCompliance: (d) => findings.push({ rule: d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId, path: d.resource.node.path }),
    onError: (d) => findings.push({ rule: `${d.ruleId} (rule error: ${d.errorMessage})`, path: d.resource.node.path }),
  };
  const options = { reports: false, additionalLoggers: [logger] };
  cdk.Aspects.of(app).add(new nag.AwsSolutionsChecks(options));
  cdk.Aspects.of(app).add(new nag.ServerlessChecks(options));
  app.synth();
  return findings;
}

/** `{ rule, path }` of every finding in the app, cdk-nag 3 style: plugins and the validation report. */
function withPlugins(app) {
  cdk.Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app), new nag.ServerlessChecks(app));
  // The CDK prints the report too; this script prints its own summary.
  const print = { log: console.log, error: console.error, warn: console.warn };
  Object.assign(console, { log() {}, error() {}, warn() {} });
  try {
    app.synth();
  } catch (e) {
    // Outside the CDK CLI, synthesis throws once a plugin reports a violation; the report is written first.
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw e;
  } finally {
    Object.assign(console, print);
  }
  // Only plugins that report violations are listed.
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  return (report.pluginReports ?? []).flatMap((p) => (p.violations ?? []).flatMap((v) => (v.violatingConstructs ?? v.violatingResources ?? [])
    .map((c) => ({ rule: v.ruleName, path: c.constructPath }))));
}

let failed = 0;
console.log(`cdk-nag ${NAG_VERSION} on aws-cdk-lib ${CDK_VERSION}`);
for (const flag of [false, true]) {
  for (const [name, build] of Object.entries(configs)) {
    const context = flag ? { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, [FLAG]: true } : {};
    const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')), context });
    const stack = new cdk.Stack(app, 'Nag');
    const secret = new secretsmanager.Secret(stack, 'UserSecret');
    new sqs.Queue(stack, 'UserQueue', { enforceSSL: true });
    new WebhookProcessor(stack, 'Webhooks', build(secret, stack));
    const findings = NAG_MAJOR >= 3 ? withPlugins(app) : withAspects(app);
    fs.rmSync(app.outdir, { recursive: true, force: true });
    const onConstruct = findings.filter((f) => f.path.startsWith(CONSTRUCT));
    const missing = CONTROLS.filter((c) => !findings.some((f) => f.rule === c.rule && f.path === c.path));
    const ok = onConstruct.length === 0 && missing.length === 0;
    failed += ok ? 0 : 1;
    console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${name}, ${flag ? `with the recommended flags and ${FLAG}` : 'without feature flags'}: `
      + `${onConstruct.length} findings on the construct's resources, ${findings.length - onConstruct.length} outside it`
      + missing.map((c) => `; ${c.rule} on ${c.path} is missing: a pack did not run`).join(''));
    for (const f of onConstruct) console.log(`          ${f.rule} on ${f.path}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
