/**
 * The one contract between the benchmarks and the table `npx projen bench` prints: every bench
 * writes its rows to `.bench/<name>.json` (an array of BenchRow), and bench/summary.ts prints one
 * table from every file present. Goals are checked here, by the benches, never by timed tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RESULTS_DIR = path.join(__dirname, '..', '.bench');

export interface BenchRow {
  /** The bench that measured it, e.g. `cost`. */
  readonly bench: string;
  /** What was measured, e.g. `default (REST API)`. */
  readonly item: string;
  /** The figure, with its unit, e.g. `$2.91 / million`. */
  readonly figure: string;
  /** The ratio the goal is about (to the baseline the bench names), or null. */
  readonly ratio: number | null;
  /** The goal, in words, e.g. `≤ 0.50× seed 000`; null when the row is for information. */
  readonly goal: string | null;
  /** Whether the goal is met; null without a goal. */
  readonly met: boolean | null;
  /** For a missed goal: which item holds it back. Otherwise any remark, or null. */
  readonly note: string | null;
}

/** A row with the optional parts defaulted to null. */
export function row(bench: string, item: string, figure: string, extra: Partial<Omit<BenchRow, 'bench' | 'item' | 'figure'>> = {}): BenchRow {
  return { bench, item, figure, ratio: extra.ratio ?? null, goal: extra.goal ?? null, met: extra.met ?? null, note: extra.note ?? null };
}

/** Writes a bench's rows to `.bench/<bench>.json`, replacing the previous run's. */
export function writeRows(bench: string, rows: readonly BenchRow[]): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${bench}.json`);
  fs.writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
  return file;
}

/** Every row of every `.bench/*.json`, in file-name order (the order of the files is the bench's). */
export function readAllRows(dir = RESULTS_DIR): BenchRow[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().flatMap((f) => {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${f}: expected an array of rows`);
    return parsed.map((r, i) => checkRow(r, `${f}[${i}]`));
  });
}

function checkRow(value: unknown, where: string): BenchRow {
  const r = value as Record<string, unknown>;
  const nullable = (key: string, type: string) => r[key] === null || typeof r[key] === type;
  const ok = typeof r === 'object' && r !== null && typeof r.bench === 'string' && typeof r.item === 'string' && typeof r.figure === 'string'
    && nullable('ratio', 'number') && nullable('goal', 'string') && nullable('met', 'boolean') && nullable('note', 'string');
  if (!ok) throw new Error(`${where}: not a bench row {bench, item, figure, ratio, goal, met, note}: ${JSON.stringify(value)}`);
  return r as unknown as BenchRow;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
