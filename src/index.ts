export * from './webhook-processor';
export * from './webhook-processor-props';
export { WebhookFrontDoor } from './ingress/front-door';
export * from './providers/webhook-provider';
export * from './delivery/webhook-rule-options';
export * from './ingress/web-acl-options';
export * from './network/vpc-endpoint-options';
export * from './ingress/internal-senders-options';
export * from './pipeline/webhook-ordering';
