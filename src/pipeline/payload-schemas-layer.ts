import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PAYLOAD_SCHEMAS_FILE, PAYLOAD_SCHEMAS_VERSION, type PayloadSchemasDocument } from '../providers/provider-config';
import type { WebhookProvider } from '../providers/webhook-provider';

/**
 * Where Lambda puts a layer's files: "When you add a layer to a function, Lambda loads the layer
 * content into the /opt directory of that execution environment"
 * (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
 */
const LAYER_ROOT = '/opt';

/** The schemas of every provider that has any; undefined when none has. */
export function payloadSchemasOf(providers: readonly WebhookProvider[]): PayloadSchemasDocument | undefined {
  const entries = providers.flatMap((p) => {
    const schemas = p._payloadSchemas();
    return schemas === undefined ? [] : [[p.name, schemas] as const];
  });
  return entries.length === 0 ? undefined : { v: PAYLOAD_SCHEMAS_VERSION, providers: Object.fromEntries(entries) };
}

/** Properties of the layer that ships the payload schemas. */
export interface PayloadSchemasLayerProps {
  /** The schemas of every provider that has any. */
  readonly schemas: PayloadSchemasDocument;
}

/**
 * The payload schemas as a Lambda layer of one JSON file, which the processor reads at init.
 * Not in the environment: "4 KB, for all environment variables associated with the function, in
 * aggregate" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) is far too
 * little for schemas. Not in S3 either: a layer is read from the local disk, with no permission,
 * network call or failure mode at init, and a new schema deploys as a new layer version with
 * the function, so a running processor never sees half of a change.
 */
export class PayloadSchemasLayer extends Construct {
  /** The layer. */
  public readonly layer: lambda.LayerVersion;
  /** Where the processor finds the schema file. */
  public readonly file: string = path.posix.join(LAYER_ROOT, PAYLOAD_SCHEMAS_FILE);

  constructor(scope: Construct, id: string, props: PayloadSchemasLayerProps) {
    super(scope, id);
    // The asset is hashed by content, so the staging directory's name changes nothing.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-payload-schemas-'));
    fs.mkdirSync(path.join(dir, path.dirname(PAYLOAD_SCHEMAS_FILE)), { recursive: true });
    fs.writeFileSync(path.join(dir, PAYLOAD_SCHEMAS_FILE), JSON.stringify(props.schemas));
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(dir),
      description: 'Payload JSON Schemas of the webhook providers, read by the processor at init',
    });
  }
}
