/**
 * The API Gateway mapping template that turns a request into an SQS `SendMessage` call whose
 * message body is the queue message of src/runtime/integration-message.ts. Pure: no constructs.
 *
 * The integration sends a form (`Action=SendMessage&MessageBody=…`, the SQS query API), so the
 * template writes the message already URL-encoded: its fixed parts are encoded here, at synth,
 * and every value a sender chooses goes through `$util.base64Encode` (headers) and
 * `$util.urlEncode`, so no sender's byte can break out of the JSON. The body needs no encoding of
 * its own: with `binaryMediaTypes: ['*\/*']` and `contentHandling: CONVERT_TO_TEXT` it reaches the
 * template as a base64 string ("Binary data | A binary data type | Set with matching media types |
 * CONVERT_TO_TEXT | Base64-encoded string",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html).
 * Only `$util` functions and `$map.keySet()`/`$map.get()` are used: they behave the same in API
 * Gateway and in the velocityjs evaluator the tests and the local pipeline render it with.
 */

// The runtime's constants, repeated: library code cannot import src/runtime/, which is bundled
// into the handlers and left out of the package (a test checks they agree).
/** `MESSAGE_VERSION` of src/runtime/message.ts. */
export const TEMPLATE_MESSAGE_VERSION = 1;
/** `INTEGRATION_MESSAGE_VIA` of src/runtime/integration-message.ts. */
export const TEMPLATE_MESSAGE_VIA = 'apigateway-sqs';

/** Header names of a request that carry credentials: their values never enter the message. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-amz-security-token'];

/** What the template writes besides the request. */
export interface SqsMessageTemplateOptions {
  /** The sender's route name (a provider name: `[a-z0-9-]`). */
  readonly provider: string;
  /** Lower-case name of the header holding the sender's delivery id. */
  readonly deliveryIdHeader: string;
  /** Lower-case name of the header holding the event type. */
  readonly eventTypeHeader: string;
}

/** The request mapping template (one line of output: a form body). */
export function sqsMessageTemplate(options: SqsMessageTemplateOptions): string {
  // The fixed parts of the JSON, URL-encoded as the form needs (names are checked at synth: [a-z0-9-]).
  const head = form(`{"v":${TEMPLATE_MESSAGE_VERSION},"via":"${TEMPLATE_MESSAGE_VIA}","provider":"${options.provider}",`
    + `"idHeader":"${options.deliveryIdHeader}","typeHeader":"${options.eventTypeHeader}","requestId":"`);
  const credential = CREDENTIAL_HEADERS.map((name) => `$lower == "${name}"`).join(' || ');
  return [
    '## webhook-processor: the queue message of an IAM-signed sender (src/ingress/sqs-message-template.ts).',
    '## Sender-chosen values are base64-encoded, then URL-encoded; credential headers keep their name only.',
    '#set($headers = $input.params().header)',
    [
      `Action=SendMessage&MessageBody=${head}$util.urlEncode($context.requestId)${form('","requestTimeEpoch":')}$context.requestTimeEpoch`,
      `${form(',"headers":[')}`,
      '#foreach($name in $headers.keySet())',
      '#set($lower = $name.toLowerCase())',
      `${form('["')}$util.urlEncode($util.base64Encode($name))${form('"')}`,
      `#if(!(${credential}))${form(',"')}$util.urlEncode($util.base64Encode($headers.get($name)))${form('"')}#end`,
      `${form(']')}#if($foreach.hasNext)${form(',')}#end`,
      '#end',
      `${form('],"body":"')}$util.urlEncode($input.body)${form('"}')}`,
    ].join(''),
  ].join('\n');
}

/** The response mapping template of a queued message. */
export function queuedResponseTemplate(): string {
  return '{"status":"queued","requestId":"$context.requestId"}';
}

/**
 * `application/x-www-form-urlencoded` encoding of fixed text, as Java's `URLEncoder` (which
 * `$util.urlEncode` is) writes it, so a rendered template is one consistent encoding.
 */
export function form(text: string): string {
  return encodeURIComponent(text).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
