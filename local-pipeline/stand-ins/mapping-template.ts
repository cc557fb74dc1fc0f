/**
 * Renders API Gateway (REST) mapping templates locally with velocityjs, a JavaScript Velocity
 * engine, against the variables API Gateway documents: `$input.body` / `$input.params()`,
 * `$context.requestId` / `$context.requestTimeEpoch`, and the `$util` functions the construct's
 * templates use, implemented as API Gateway's Java ones behave
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html):
 * `$util.urlEncode` is `java.net.URLEncoder` (UTF-8: space as `+`, only `A-Za-z0-9.-*_` kept),
 * `$util.base64Encode` encodes the string's UTF-8 bytes.
 */
import { render } from 'velocityjs';
import { form } from '../../src/ingress/sqs-message-template';

/** What API Gateway knows of one request when it applies a request template. */
export interface TemplateRequest {
  /** Header names as sent, with one value each (API Gateway keeps the last of a repeated header). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as the template sees it: base64 when binary and `CONVERT_TO_TEXT`. */
  readonly body: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly path?: Readonly<Record<string, string>>;
  readonly querystring?: Readonly<Record<string, string>>;
}

/** Renders `template` for `request`. */
export function renderMappingTemplate(template: string, request: TemplateRequest): string {
  const params = {
    header: { ...request.headers },
    path: { ...(request.path ?? {}) },
    querystring: { ...(request.querystring ?? {}) },
  };
  return render(template, {
    input: {
      body: request.body,
      params: (name?: string) => (name === undefined ? params : params.path[name] ?? params.querystring[name] ?? headerOf(params.header, name) ?? ''),
    },
    context: { requestId: request.requestId, requestTimeEpoch: request.requestTimeEpoch },
    util: {
      urlEncode: (text: unknown) => form(String(text ?? '')),
      urlDecode: (text: unknown) => decodeURIComponent(String(text ?? '').replace(/\+/g, ' ')),
      base64Encode: (text: unknown) => Buffer.from(String(text ?? ''), 'utf8').toString('base64'),
      base64Decode: (text: unknown) => Buffer.from(String(text ?? ''), 'base64').toString('utf8'),
    },
  });
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
