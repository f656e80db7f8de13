// Graphs whose drops are spread over the nodes of a hierarchy so that data of every kind
// (memory, files, streams) and every relation (input, output, streaming) crosses nodes. Each
// drop carries a slot number; `placed` turns slots into the `node`/`island` of a topology.

type Spec = Record<string, unknown> & { oid: string };
type Slotted = Spec & { _slot: number };

const APP = 'Application';
const DATA = 'Data';
const MEM = 'dlg.data.drops.memory.InMemoryDROP';
const FILE = 'dlg.data.drops.file.FileDROP';
const simple = (name: string) => `dlg.apps.simple.${name}`;
const BASH = 'dlg.apps.bash_shell_app.BashShellApp';
const pathArg = (usage: string) => ({ value: '', encoding: 'path', usage });

function s(slot: number, spec: Spec): Slotted {
  return { ...spec, _slot: slot };
}

export interface Slot {
  node: string;
  island: string;
}

/** node/island from the slots (slot k → slots[k mod n]); no slots: unplaced, for one node. */
export function placed(graph: readonly Slotted[], slots: readonly Slot[]): unknown[] {
  const out: unknown[] = graph.map(({ _slot, ...spec }) => (slots.length ? { ...spec, ...slots[_slot % slots.length] } : spec));
  out.push({});
  return out;
}

/**
 * 333 branches source → memory → copy → file → hello → memory, all gathered into one file
 * whose size a bash command counts: 2,002 drops, neighbours on different nodes.
 */
export function scatterGather(branches = 333): Slotted[] {
  const g: Slotted[] = [];
  const gathered: string[] = [];
  for (let i = 0; i < branches; i++) {
    g.push(s(i, { oid: `src${i}`, categoryType: APP, dropclass: simple('HelloWorldApp'), greet: `branch ${i}`, outputs: [`m${i}`] }));
    g.push(s(i + 1, { oid: `m${i}`, categoryType: DATA, dropclass: MEM, producers: [`src${i}`], consumers: [`copy${i}`] }));
    g.push(s(i + 2, { oid: `copy${i}`, categoryType: APP, dropclass: simple('CopyApp'), inputs: [`m${i}`], outputs: [`f${i}`] }));
    g.push(s(i + 3, { oid: `f${i}`, categoryType: DATA, dropclass: FILE, filepath: `parts/part_${i}.txt`, producers: [`copy${i}`], consumers: [`hello${i}`] }));
    g.push(s(i, { oid: `hello${i}`, categoryType: APP, dropclass: simple('HelloWorldApp'), inputs: [`f${i}`], outputs: [`r${i}`] }));
    g.push(s(i + 1, { oid: `r${i}`, categoryType: DATA, dropclass: MEM, producers: [`hello${i}`], consumers: ['gather'] }));
    gathered.push(`r${i}`);
  }
  g.push(s(0, { oid: 'gather', categoryType: APP, dropclass: simple('GenericGatherApp'), inputs: gathered, outputs: ['all'] }));
  g.push(s(1, { oid: 'all', categoryType: DATA, dropclass: FILE, filepath: 'gathered.txt', producers: ['gather'], consumers: ['count'] }));
  g.push(
    s(2, {
      oid: 'count',
      categoryType: APP,
      dropclass: BASH,
      command: 'wc -c < {in} > {out}',
      inputs: [{ all: 'in' }],
      outputs: [{ counted: 'out' }],
      applicationArgs: { in: pathArg('InputPort'), out: pathArg('OutputPort') },
    }),
  );
  g.push(s(0, { oid: 'counted', categoryType: DATA, dropclass: FILE, filepath: 'count.txt', producers: ['count'] }));
  return g;
}

/** app → data → app → … with every drop on the next node; memory and file data alternate, one step is bash. */
export function alternatingChain(length = 82): Slotted[] {
  const g: Slotted[] = [];
  const id = (j: number) => `c${j}`;
  for (let j = 0; j < length; j++) {
    const prev = j > 0 ? [id(j - 1)] : [];
    const next = j < length - 1 ? [id(j + 1)] : [];
    if (j % 2 === 1) {
      const file = j % 4 === 3 || j === 45 || j === length - 1; // 45: written by the bash step
      g.push(s(j, { oid: id(j), categoryType: DATA, dropclass: file ? FILE : MEM, ...(file ? { filepath: `step_${j}.txt` } : {}), producers: prev, consumers: next }));
    } else if (j === 0) {
      g.push(s(j, { oid: id(j), categoryType: APP, dropclass: simple('HelloWorldApp'), greet: 'chain', outputs: next }));
    } else if (j === 44) {
      g.push(
        s(j, {
          oid: id(j),
          categoryType: APP,
          dropclass: BASH,
          command: "tr a-z A-Z < {in} > {out} && echo ' (shouted)' >> {out}",
          inputs: [{ [id(j - 1)]: 'in' }],
          outputs: [{ [id(j + 1)]: 'out' }],
          applicationArgs: { in: pathArg('InputPort'), out: pathArg('OutputPort') },
        }),
      );
    } else {
      g.push(s(j, { oid: id(j), categoryType: APP, dropclass: simple('CopyApp'), inputs: prev, outputs: next }));
    }
  }
  return g;
}

/**
 * Three greetings copied one after the other into a memory drop that two CopyApps on other
 * nodes follow as streaming consumers, each writing to a file on yet another node.
 */
export function streaming(): Slotted[] {
  const g: Slotted[] = [];
  for (let i = 0; i < 3; i++) {
    g.push(s(0, { oid: `h${i}`, categoryType: APP, dropclass: simple('HelloWorldApp'), greet: `stream ${i}\n`, outputs: [`g${i}`] }));
    g.push(s(0, { oid: `g${i}`, categoryType: DATA, dropclass: MEM, producers: [`h${i}`], consumers: ['cat'] }));
  }
  g.push(s(0, { oid: 'cat', categoryType: APP, dropclass: simple('CopyApp'), inputs: ['g0', 'g1', 'g2'], outputs: ['flow'] }));
  g.push(s(0, { oid: 'flow', categoryType: DATA, dropclass: MEM, producers: ['cat'], streamingConsumers: ['pipe1', 'pipe2'] }));
  g.push(s(1, { oid: 'pipe1', categoryType: APP, dropclass: simple('CopyApp'), streamingInputs: ['flow'], outputs: ['out1'] }));
  g.push(s(2, { oid: 'out1', categoryType: DATA, dropclass: FILE, filepath: 'streamed1.txt', producers: ['pipe1'] }));
  g.push(s(2, { oid: 'pipe2', categoryType: APP, dropclass: simple('CopyApp'), streamingInputs: ['flow'], outputs: ['out2'] }));
  g.push(s(1, { oid: 'out2', categoryType: DATA, dropclass: FILE, filepath: 'streamed2.txt', producers: ['pipe2'] }));
  return g;
}
