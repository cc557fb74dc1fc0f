/**
 * AWS Event Ruler, the matching library EventBridge is built on, run as a child process
 * (RuleMatcher.java, built by install.sh into .emulators/event-ruler/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { trackChild } from '../cleanup';

const OUT = path.resolve(__dirname, '..', '..', '.emulators', 'event-ruler');
const CLASSPATH = `${path.join(OUT, 'classes')}${path.delimiter}${path.join(OUT, 'lib', '*')}`;

function ensureBuilt(): void {
  if (!existsSync(path.join(OUT, 'classes', 'RuleMatcher.class'))) {
    throw new Error('AWS Event Ruler is not built: run `npx projen event-ruler:install` (bash local-pipeline/event-ruler/install.sh).');
  }
}

/** Which of `rules` (name → EventBridge event pattern) each event matches, as sorted name lists. */
export function matchRules(rules: Readonly<Record<string, unknown>>, events: readonly unknown[]): string[][] {
  ensureBuilt();
  const result = spawnSync('java', ['-cp', CLASSPATH, 'RuleMatcher'], {
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

/** A long-lived Event Ruler machine holding a fixed set of rules (RuleMatcher --serve). */
export interface RuleMatcherProcess {
  /** The sorted names of the rules `event` matches. */
  match(event: unknown): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts one Java process that compiles `rules` once and then matches events line by line, so
 * that matching an event costs microseconds instead of a JVM start. Answers come in order.
 */
export async function startRuleMatcher(rules: Readonly<Record<string, unknown>>): Promise<RuleMatcherProcess> {
  ensureBuilt();
  const child = spawn('java', ['-cp', CLASSPATH, 'RuleMatcher', '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const waiting: Array<{ resolve(line: Record<string, unknown>): void; reject(error: Error): void }> = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Record<string, unknown>));
  child.once('exit', (code, signal) => {
    exited = new Error(`Event Ruler exited (${signal ?? code}): ${stderr}`);
    waiting.splice(0).forEach((w) => w.reject(exited!));
  });
  const ask = (line: string): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
    if (exited) return reject(exited);
    waiting.push({ resolve, reject });
    child.stdin!.write(`${line}\n`);
  });
  const ready = await ask(JSON.stringify(rules));
  if (ready.ready !== true) {
    child.kill();
    throw new Error(`Event Ruler refused the rules: ${String(ready.error)}`);
  }
  return {
    async match(event: unknown): Promise<string[]> {
      const answer = await ask(JSON.stringify(event));
      if (!Array.isArray(answer.matches)) throw new Error(`Event Ruler failed: ${String(answer.error)}`);
      return answer.matches as string[];
    },
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
    }),
  };
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
