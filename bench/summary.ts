/**
 * Prints one table from every bench's rows in `.bench/*.json` (bench/results.ts), run last by
 * `npx projen bench`. A missed goal is marked and its row says which item holds it back; the
 * table is the result, so this exits 0 either way (goals are not assertions).
 *
 *   npx ts-node --project tsconfig.dev.json bench/summary.ts [--markdown]
 */
import { readAllRows, RESULTS_DIR, type BenchRow } from './results';

const ORDER = ['bundles', 'signatures', 'cost', 'processor', 'claim-check', 'latency', 'scale'];

function cells(r: BenchRow): string[] {
  const status = r.met === null ? '' : r.met ? 'met' : 'MISSED';
  return [r.bench, r.item, r.figure, r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`, r.goal ?? '', status, r.note ?? ''];
}

function main(): void {
  const markdown = process.argv.includes('--markdown');
  const rows = readAllRows().sort((a, b) => rank(a.bench) - rank(b.bench));
  if (rows.length === 0) {
    console.log(`No bench results in ${RESULTS_DIR}: run \`npx projen bench\` (or one \`npx projen bench:<name>\`) first.`);
    return;
  }
  const header = ['bench', 'item', 'figure', 'ratio', 'goal', 'goal met', 'note'];
  const table = rows.map(cells);
  if (markdown) {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map((_, i) => (i === 2 || i === 3 ? '---:' : '---')).join('|')}|`);
    for (const line of table) console.log(`| ${line.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  } else {
    const widths = header.map((h, i) => Math.min(i === 6 ? 200 : 48, Math.max(h.length, ...table.map((line) => line[i].length))));
    const format = (line: string[]) => line.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    console.log(format(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    let last = '';
    for (const line of table) {
      if (last !== '' && line[0] !== last) console.log('');
      last = line[0];
      console.log(format(line));
    }
  }
  const goals = rows.filter((r) => r.met !== null);
  const missed = goals.filter((r) => r.met === false);
  console.log(`\n${goals.length - missed.length} of ${goals.length} goals met${missed.length > 0 ? `; missed: ${missed.map((r) => `${r.bench} ${r.item}`).join(', ')}` : ''}.`);
}

function rank(bench: string): number {
  const i = ORDER.indexOf(bench);
  return i === -1 ? ORDER.length : i;
}

main();
