/** An AWS service the functions call, which a VPC reaches through an endpoint (or a NAT gateway). */
export enum WebhookVpcEndpointService {
  /** Amazon S3 (gateway endpoint): the archive bucket, by every function that reads or writes it. */
  S3 = 's3',
  /** Amazon DynamoDB (gateway endpoint): the records table. */
  DYNAMODB = 'dynamodb',
  /** Amazon SQS (interface endpoint): the ingest function queues, the redrive function moves dead letters. */
  SQS = 'sqs',
  /** AWS Secrets Manager (interface endpoint): the ingest function reads the signing secrets. */
  SECRETS_MANAGER = 'secretsmanager',
  /** Amazon EventBridge (interface endpoint): the event publisher and replay functions, once events are on. */
  EVENTBRIDGE = 'events',
}

/** Which endpoints `WebhookVpcEndpoints.create()` leaves out. */
export interface WebhookVpcEndpointsOptions {
  /**
   * Services the VPC already has an endpoint for: a second gateway endpoint on the same route
   * tables, or a second interface endpoint with private DNS for the same service, fails to deploy.
   *
   * @default - none: every endpoint the functions need is created
   */
  readonly except?: WebhookVpcEndpointService[];
}

/** How the functions in `vpc` reach the AWS services they call. */
export class WebhookVpcEndpoints {
  /**
   * The VPC already reaches every service the functions call (its own endpoints, or a NAT
   * gateway); the construct creates nothing. The README lists what the functions call.
   */
  public static readonly EXISTING = new WebhookVpcEndpoints(false, []);

  /**
   * The construct creates the endpoints the functions need, in the functions' subnets: gateway
   * endpoints for S3 and DynamoDB, and interface endpoints with private DNS for SQS, Secrets
   * Manager (when a provider has secrets) and EventBridge (once events are on), which admit HTTPS
   * from the functions' security group only. The VPC needs DNS hostnames and DNS support.
   *
   * @param options services the VPC already has an endpoint for
   */
  public static create(options: WebhookVpcEndpointsOptions = {}): WebhookVpcEndpoints {
    return new WebhookVpcEndpoints(true, options.except ?? []);
  }

  /** Whether the construct creates endpoints. */
  public readonly creates: boolean;

  /** The services not to create an endpoint for. */
  public readonly except: WebhookVpcEndpointService[];

  private constructor(creates: boolean, except: WebhookVpcEndpointService[]) {
    this.creates = creates;
    this.except = except;
  }
}
