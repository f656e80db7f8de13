// Every broken graph in fixtures/invalid/ is reported with its code, naming the right node.
// The expectations come from how each fixture was written (its modelData.shortDescription
// says what is broken), not from this program's output.

import test from 'ava';
import { basename, join } from 'node:path';
import { CODES, type Diagnostic } from '../../compiler/diagnostics.ts';
import { loadFile } from '../../compiler/load/index.ts';
import { validate } from '../../compiler/validate/index.ts';
import { invalidDir, listFiles } from './helpers.ts';

interface Expect {
  code: string;
  severity?: 'error' | 'warning';
  /** the node the diagnostic must name: [id, name] */
  node?: [string, string];
  field?: string;
}

const E = (code: string, node?: [string, string], extra: Partial<Expect> = {}): Expect => ({ code, node, ...extra });

/** file → what it must report; `also` lists codes that may follow from the same mistake. */
const EXPECTED: Record<string, { expect: Expect[]; also?: string[] }> = {
  'duplicate-node-id.graph': { expect: [E(CODES.DUPLICATE_NODE_ID, ['same-id', 'Second data'])] },
  'link-missing-node.graph': { expect: [E(CODES.LINK_MISSING_NODE, ['app-1', 'Producer'])] },
  'link-unknown-port.graph': { expect: [E(CODES.LINK_UNKNOWN_PORT, ['data-1', 'Result'])] },
  'link-wrong-direction-port.graph': { expect: [E(CODES.LINK_UNKNOWN_PORT, ['app-1', 'Producer'])] },
  'data-to-data.graph': { expect: [E(CODES.DATA_TO_DATA_LINK, ['data-1', 'Raw'])] },
  'app-to-app.graph': { expect: [E(CODES.APP_TO_APP_LINK, ['app-1', 'First'], { severity: 'warning' })] },
  'scatter-without-app-linked.graph': { expect: [E(CODES.CONSTRUCT_LINK, ['sc-1', 'Split'])] },
  'loop-linked.graph': { expect: [E(CODES.CONSTRUCT_LINK, ['loop-1', 'Iterate'])] },
  'gather-app-input.graph': { expect: [E(CODES.CONSTRUCT_LINK, ['app-1', 'Worker'])] },
  'groupby-top-level-input.graph': { expect: [E(CODES.CONSTRUCT_LINK, ['data-1', 'Top data'])] },
  'groupby-feeds-app.graph': { expect: [E(CODES.CONSTRUCT_LINK, ['app-1', 'After'])] },
  'not-hierarchical.graph': { expect: [E(CODES.NOT_HIERARCHICAL, ['app-a', 'In A'])] },
  'loops-not-synchronised.graph': { expect: [E(CODES.NOT_HIERARCHICAL, ['data-a', 'State A'])] },
  'gather-nested.graph': { expect: [E(CODES.ILLEGAL_NESTING, ['ga-1', 'Nested gather'])] },
  'scatter-bad-copies.graph': { expect: [E(CODES.BAD_MULTIPLICITY, ['sc-1', 'Split'], { field: 'num_of_copies' })] },
  'scatter-zero-copies.graph': { expect: [E(CODES.BAD_MULTIPLICITY, ['sc-1', 'Split'], { field: 'num_of_copies' })] },
  'loop-missing-iterations.graph': { expect: [E(CODES.BAD_MULTIPLICITY, ['loop-1', 'Iterate'], { field: 'num_of_iter' })] },
  'scatter-missing-copies.graph': { expect: [E(CODES.BAD_MULTIPLICITY, ['sc-1', 'Split'], { severity: 'warning' })] },
  'mpi-missing-procs.graph': { expect: [E(CODES.BAD_MULTIPLICITY, ['mpi-1', 'Parallel solver'], { field: 'num_of_procs' })] },
  'loop-no-start-end.graph': { expect: [E(CODES.LOOP_WITHOUT_START_END, ['loop-1', 'Iterate'], { field: 'group_start' }), E(CODES.LOOP_WITHOUT_START_END, ['loop-1', 'Iterate'], { field: 'group_end' })] },
  'cycle.graph': { expect: [E(CODES.CYCLE, ['app-1', 'Producer'])] },
  'negative-execution-time.graph': { expect: [E(CODES.NEGATIVE_WEIGHT, ['app-1', 'Time traveller'], { field: 'execution_time' })] },
  'data-without-class.graph': { expect: [E(CODES.UNKNOWN_DATA_CLASS, ['data-1', 'Settings'])] },
  'environment-variables-as-data.graph': { expect: [E(CODES.UNKNOWN_DATA_CLASS, ['env-1', 'Globals'])] },
  'unknown-category.graph': { expect: [E(CODES.UNKNOWN_CATEGORY, ['data-1', 'Typo'], { severity: 'warning' })] },
  'unknown-parent.graph': { expect: [E(CODES.BAD_PARENT, ['app-1', 'Orphan'])] },
  'parent-not-construct.graph': { expect: [E(CODES.BAD_PARENT, ['data-1', 'Misplaced'])] },
  'global-type-mismatch.graph': { expect: [E(CODES.GLOBAL_TYPE_MISMATCH, ['glob-1', 'Globals'], { field: 'copies' })], also: [CODES.BAD_MULTIPLICITY] },
  'config-stale-ids.graph': { expect: [E(CODES.CONFIG_UNKNOWN_FIELD, ['app-1', 'Producer'], { severity: 'warning', field: 'deleted-field' }), E(CODES.CONFIG_UNKNOWN_NODE, undefined, { severity: 'warning' })] },
  'schema-bad-field.graph': { expect: [E(CODES.SCHEMA, ['app-1', 'Sloppy'], { field: 'dropclass' }), E(CODES.SCHEMA, ['app-1', 'Sloppy'], { field: 'execution_time' })] },
  'empty-graph.graph': { expect: [E(CODES.EMPTY_GRAPH)] },
  'comment-linked.graph': { expect: [E(CODES.LINK_TO_NON_EXECUTABLE, ['c-1', 'Note'], { severity: 'warning' })] },
  'duplicate-link.graph': { expect: [E(CODES.DUPLICATE_LINK, ['app-1', 'Producer'], { severity: 'warning' })] },
  'pgt-duplicate-oid.json': { expect: [E(CODES.PGT_DUPLICATE_OID, ['1_b_0', 'B again'])] },
  'pgt-unknown-oid.json': { expect: [E(CODES.PGT_UNKNOWN_OID, ['1_a_0', 'A'], { field: 'outputs' })] },
  'pgt-one-sided.json': { expect: [E(CODES.PGT_ONE_SIDED, ['1_a_0', 'A'], { severity: 'warning' })] },
  'pgt-cycle.json': { expect: [E(CODES.PGT_CYCLE)] },
  'pgt-bad-category-type.json': { expect: [E(CODES.PGT_BAD_CATEGORY_TYPE, ['1_a_0', 'A'])] },
  'pgt-missing-dropclass.json': { expect: [E(CODES.PGT_MISSING_DROPCLASS, ['1_a_0', 'A'])] },
  'pgt-missing-category-type.json': { expect: [E(CODES.SCHEMA, ['1_b_0', 'B'])] },
  // A's first output entry names two drops, its second has a number for a port.
  'pgt-bad-entry.json': { expect: [E(CODES.SCHEMA, ['1_a_0', 'A'], { field: 'outputs' })] },
};

function check(file: string): Diagnostic[] {
  const loaded = loadFile(file);
  return [...loaded.diagnostics, ...(loaded.value ? validate(loaded.value) : [])];
}

test('there are at least 15 broken graphs, and each one is listed here', (t) => {
  const files = listFiles(invalidDir, /\.(graph|json)$/).map((f) => basename(f));
  t.true(files.length >= 15);
  t.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [name, { expect, also = [] }] of Object.entries(EXPECTED)) {
  test(`invalid/${name}`, (t) => {
    const diags = check(join(invalidDir, name));
    for (const e of expect) {
      const match = diags.find(
        (d) =>
          d.code === e.code &&
          d.severity === (e.severity ?? 'error') &&
          (e.node === undefined || (d.nodeId === e.node[0] && d.nodeName === e.node[1])) &&
          (e.field === undefined || d.field === e.field),
      );
      t.truthy(match, `expected ${JSON.stringify(e)} in ${JSON.stringify(diags, null, 1)}`);
      t.is(match?.file, join(invalidDir, name));
    }
    // Nothing unrelated fires: every error is one of the expected codes.
    const allowed = new Set([...expect.map((e) => e.code), ...also]);
    const stray = diags.filter((d) => d.severity === 'error' && !allowed.has(d.code));
    t.deepEqual(stray, []);
  });
}

test('invalid/pgt-bad-entry.json: each malformed entry is reported where it is', (t) => {
  const diags = check(join(invalidDir, 'pgt-bad-entry.json')).filter((d) => d.code === CODES.SCHEMA);
  t.deepEqual(diags.map((d) => d.pointer), ['/0/outputs/0', '/0/outputs/1']);
});
