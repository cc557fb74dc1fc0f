// Verifies Linear webhook deliveries with @linear/sdk's LinearWebhookClient, which is ESM-only
// and so cannot be loaded by the CommonJS jest run. Reads { secret, body (base64), signature }
// on stdin and writes `true` or `false` (a thrown error counts as a rejection).
import { LinearWebhookClient } from '@linear/sdk/webhooks';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const { secret, body, signature } = JSON.parse(text);
let verified;
try {
  verified = new LinearWebhookClient(secret).verify(Buffer.from(body, 'base64'), signature) === true;
} catch {
  verified = false;
}
process.stdout.write(JSON.stringify(verified));
