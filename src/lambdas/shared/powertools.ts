/**
 * Logger and metrics shared by the handlers: structured JSON logs (never payloads or secrets,
 * logger.ts) and CloudWatch embedded-metric-format metrics.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';

export { logger, requiredEnv } from './logger';

export const metrics = new Metrics();
