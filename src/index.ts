export * from './webhook-processor';
export * from './webhook-processor-props';
export { WebhookFrontDoor } from './ingress/front-door';
export * from './providers/webhook-provider';
export * from './delivery/webhook-rule-options';
