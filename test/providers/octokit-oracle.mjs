// Signs and verifies GitHub webhook payloads with @octokit/webhooks-methods, which is ESM-only and
// so cannot be loaded by the CommonJS jest run. Reads a JSON array of cases on stdin:
//   { signSecret, signPayload, verifySecrets: [first, ...fallbacks], verifyPayload }
// and writes a JSON array of { signature, verified } (verifyWithFallback's answer; a thrown
// error counts as a rejection).
import { sign, verifyWithFallback } from '@octokit/webhooks-methods';

const input = await new Promise((resolve, reject) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
  process.stdin.on('error', reject);
});

const results = [];
for (const { signSecret, signPayload, verifySecrets, verifyPayload } of JSON.parse(input)) {
  const signature = await sign(signSecret, signPayload);
  let verified;
  try {
    verified = await verifyWithFallback(verifySecrets[0], verifyPayload, signature, verifySecrets.slice(1));
  } catch {
    verified = false;
  }
  results.push({ signature, verified });
}
process.stdout.write(JSON.stringify(results));
