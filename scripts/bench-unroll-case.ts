// One benchmark case, run in its own process so its peak RSS is its own.
// Usage: node --import tsx scripts/bench-unroll-case.ts <graph> <multiplicities-json> <out.json>
import { closeSync, createReadStream, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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
// Benchmarks go past the default drop limit on purpose.
const u = unroll(lg, { maxDrops: 0x7fffffff });
if (!u.value) throw new Error(u.diagnostics.map((d) => d.message).join('\n'));
const t1 = performance.now();
// 1. Emission alone (bytes generated, not written): the CPU cost of our JSON writer.
let bytes = 0;
for (const c of pgtChunks(u.value, { oidPrefix: '1' })) bytes += c.length;
const t2 = performance.now();
const edges = distinctDropEdges(u.value);
// 2. Emission to the file, as dlg-translate -o does ('/dev/null' where it would not fit on disk).
const t3 = performance.now();
if (out !== '/dev/null') await writeFileAtomic(out, (pool) => pgtChunks(u.value!, { oidPrefix: '1', pool }));
const t4 = performance.now();
const rss = process.resourceUsage().maxRSS * 1024;
// Baselines measured here, on the same bytes: a plain streaming read of the emitted file by
// Node, and Node writing that many bytes of one constant buffer (the disk's write speed).
let readMs: number | null = null;
let diskMs: number | null = null;
if (out !== '/dev/null') {
  const t5 = performance.now();
  await new Promise<void>((resolve, reject) => {
    createReadStream(out, { highWaterMark: 1 << 20 }).on('data', () => {}).on('end', () => resolve()).on('error', reject);
  });
  readMs = performance.now() - t5;
  unlinkSync(out);
  const block = Buffer.alloc(1 << 20, 32);
  const t6 = performance.now();
  const fd = openSync(out + '.disk', 'w');
  for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
  closeSync(fd);
  diskMs = performance.now() - t6;
  unlinkSync(out + '.disk');
}
process.stdout.write(JSON.stringify({ drops: u.value.n, edges, unrollMs: t1 - t0, genMs: t2 - t1, writeMs: out === '/dev/null' ? null : t4 - t3, readMs, diskMs, bytes, rss }) + '\n');
