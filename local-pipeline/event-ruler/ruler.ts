/**
 * AWS Event Ruler, the matching library EventBridge is built on, run as a child process
 * (RuleMatcher.java, built by install.sh into .emulators/event-ruler/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const OUT = path.resolve(__dirname, '..', '..', '.emulators', 'event-ruler');

/** Which of `rules` (name → EventBridge event pattern) each event matches, as sorted name lists. */
export function matchRules(rules: Readonly<Record<string, unknown>>, events: readonly unknown[]): string[][] {
  if (!existsSync(path.join(OUT, 'classes', 'RuleMatcher.class'))) {
    throw new Error('AWS Event Ruler is not built: run `npx projen event-ruler:install` (bash local-pipeline/event-ruler/install.sh).');
  }
  const result = spawnSync('java', ['-cp', `${path.join(OUT, 'classes')}${path.delimiter}${path.join(OUT, 'lib', '*')}`, 'RuleMatcher'], {
    input: JSON.stringify({ rules, events }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = JSON.parse(result.stdout || '{}') as { matches?: string[][]; error?: string };
  if (result.status !== 0 || output.matches === undefined) {
    throw new Error(`Event Ruler failed: ${output.error ?? result.stderr}`);
  }
  return output.matches;
}

/** An event as EventBridge delivers it to rules: the entry inside the standard envelope. */
export function eventEnvelope(entry: { readonly Source: string; readonly DetailType: string; readonly Detail: string }, id = '00000000-0000-0000-0000-000000000000'): Record<string, unknown> {
  return {
    'version': '0',
    id,
    'detail-type': entry.DetailType,
    'source': entry.Source,
    'account': '123456789012',
    'time': '2026-11-24T10:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': JSON.parse(entry.Detail),
  };
}
