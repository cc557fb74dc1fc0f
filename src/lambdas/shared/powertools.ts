/**
 * Logger and metrics shared by the handlers: structured JSON logs (never payloads or secrets)
 * and CloudWatch embedded-metric-format metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics();

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is not set; the WebhookProcessor construct sets it.`);
  }
  return value;
}
