/**
 * The structured JSON logger shared by the handlers (never payloads or secrets), apart from the
 * metrics (powertools.ts) so that the handlers that publish none (status, list) do not bundle or
 * initialise them.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is not set; the WebhookProcessor construct sets it.`);
  }
  return value;
}
