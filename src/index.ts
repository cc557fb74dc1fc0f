export * from './webhook-processor';
export * from './webhook-processor-props';
export * from './providers/webhook-provider';
export * from './delivery/webhook-rule-options';
export * from './pipeline/webhook-ordering';
