// One benchmark case, run in its own process so its peak RSS is its own.
// Usage: node --import tsx scripts/bench-unroll-case.ts <graph> <multiplicities-json> <out.json>
import { readFileSync, statSync, createReadStream } from 'node:fs';
import { buildLogicalGraph, loadValue } from '../compiler/load/index.ts';
import { unroll, distinctDropEdges } from '../compiler/unroll/index.ts';
import { pgtChunks } from '../compiler/emit/pgt.ts';
import { writeFileAtomic } from '../compiler/emit/sink.ts';

const [graph, multJson, out] = process.argv.slice(2);
const mult: Record<string, number> = JSON.parse(multJson);
const doc = JSON.parse(readFileSync(graph, 'utf8'));
// Multiplicities are set by construct name: { "<construct name>": n }.
for (const n of doc.nodeDataArray) {
  if (!(n.name in mult)) continue;
  for (const f of n.fields) if (['num_of_copies', 'num_of_iter', 'num_of_inputs'].includes(f.name)) f.value = mult[n.name];
}
const t0 = performance.now();
const loaded = loadValue(doc, graph);
if (!loaded.value || loaded.value.kind !== 'lg') throw new Error('not an LG');
const lg = buildLogicalGraph(loaded.value.doc, graph);
const u = unroll(lg);
if (!u.value) throw new Error(u.diagnostics.map((d) => d.message).join('\n'));
const t1 = performance.now();
// '/dev/null' measures emission without the kernel's write-back (used where the output would not fit on disk).
let bytes = 0;
if (out === '/dev/null') for (const c of pgtChunks(u.value, { oidPrefix: '1' })) bytes += c.length;
else bytes = writeFileAtomic(out, pgtChunks(u.value, { oidPrefix: '1' }));
const t2 = performance.now();
const edges = distinctDropEdges(u.value);
const rss = process.resourceUsage().maxRSS * 1024;
// The baseline: a plain streaming read of the emitted file by Node, in the same process.
const t3 = performance.now();
if (out !== '/dev/null') {
  await new Promise<void>((resolve, reject) => {
    createReadStream(out, { highWaterMark: 1 << 20 }).on('data', () => {}).on('end', () => resolve()).on('error', reject);
  });
}
const t4 = performance.now();
const fileBytes = out === '/dev/null' ? 0 : statSync(out).size;
process.stdout.write(JSON.stringify({ drops: u.value.n, edges, unrollMs: t1 - t0, emitMs: t2 - t1, readMs: out === '/dev/null' ? null : t4 - t3, bytes, fileBytes, rss }) + '\n');
