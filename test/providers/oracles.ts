/**
 * The providers' own SDKs, used only as test oracles for the presets (devDependencies), loaded
 * through their CommonJS entry points.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
export { Signature as HubSpotSignature } from '@hubspot/api-client';
export { Mux } from '@mux/mux-node';
export { Paddle } from '@paddle/paddle-node-sdk';
export { EventWebhook as SendGridEventWebhook } from '@sendgrid/eventwebhook';
export { verifyKey as discordVerifyKey } from 'discord-interactions';
export { WebhooksHelper as squareHelper } from 'square';
export { hmacValidator as AdyenHmacValidator } from '@adyen/api-library';
export { WorkOS } from '@workos-inc/node';
import twilioModule = require('twilio');
export const twilio = twilioModule;

/** razorpay's validateWebhookSignature(body, signature, secret), from its utils module. */
export const razorpayValidate: (body: string, signature: string, secret: string) => boolean =
  require('razorpay/dist/utils/razorpay-utils').validateWebhookSignature;

/** coinbase-commerce-node's Webhook.verifySigHeader(payload, signature, secret), which throws when invalid. */
export const coinbaseWebhook: { verifySigHeader: (payload: string, signature: string, secret: string) => boolean } =
  require('coinbase-commerce-node').Webhook;

/** @linear/sdk's LinearWebhookClient#verify, run in a child process (the SDK is ESM-only). */
export function linearVerify(secret: string, body: Buffer, signature: string): boolean {
  const input = JSON.stringify({ secret, body: body.toString('base64'), signature });
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, 'linear-oracle.mjs')], { input, encoding: 'utf8' })) === true;
}
