// The GoJS JSON of a partitioned PGT (reference §4.5): what the translator stores under a
// pgt_id and serves at /pgt_jsonbody. Node keys are drop index + 1; partition groups follow
// the drops (key n+1+p, name "<par_label>_<p+1>"), then island groups when there are several.
// Written in chunks: 10^6 drops make about 100 MB.

import type { SchedulingDag } from '../compiler/schedule/dag.ts';

export interface GojsInput {
  dag: SchedulingDag;
  oid: (i: number) => string;
  name: (i: number) => string;
  iid: (i: number) => string;
  /** partition of each drop, and island of each partition */
  part: Int32Array;
  islandOf: Int32Array;
  numIslands: number;
  parLabel: string;
  reprodata: unknown;
}

const CHUNK = 1 << 20;

export function* gojsChunks(g: GojsInput): Generator<string> {
  const { dag } = g;
  const n = dag.n;
  const P = g.islandOf.length;
  let buf = '{"class":"go.GraphLinksModel","nodeDataArray":[';
  let first = true;
  const sep = () => {
    const s = first ? '' : ',';
    first = false;
    return s;
  };
  for (let i = 0; i < n; i++) {
    buf += `${sep()}{"key":${i + 1},"oid":${JSON.stringify(g.oid(i))},"category":"${dag.isApp[i] ? 'Application' : 'Data'}","name":${JSON.stringify(g.name(i))},"iid":${JSON.stringify(g.iid(i))},"group":${n + 1 + g.part[i]!}}`;
    if (buf.length > CHUNK) {
      yield buf;
      buf = '';
    }
  }
  const islands = g.numIslands > 1;
  for (let p = 0; p < P; p++) {
    const island = islands ? `,"group":${n + 1 + P + g.islandOf[p]!}` : '';
    buf += `${sep()}{"key":${n + 1 + p},"isGroup":true,"name":${JSON.stringify(`${g.parLabel}_${p + 1}`)}${island}}`;
  }
  if (islands) for (let j = 0; j < g.numIslands; j++) buf += `${sep()}{"key":${n + 1 + P + j},"isGroup":true,"name":"Data_Island_${j + 1}"}`;
  buf += '],"linkDataArray":[';
  first = true;
  for (let u = 0; u < n; u++) {
    for (let e = dag.offsets[u]!; e < dag.offsets[u + 1]!; e++) {
      buf += `${sep()}{"from":${u + 1},"to":${dag.targets[e]! + 1}}`;
    }
    if (buf.length > CHUNK) {
      yield buf;
      buf = '';
    }
  }
  buf += `],"reprodata":${JSON.stringify(g.reprodata ?? {})}}`;
  yield buf;
}
