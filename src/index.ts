export * from './webhook-processor';
export * from './providers/webhook-provider';
