#!/usr/bin/env node
// Generates a large, valid EAGLE logical graph (schemaVersion OJS) for benchmarks and
// scale tests: repeated pipeline blocks of 12 nodes with a Scatter ⊃ Loop nesting, a
// Gather with an embedded input application, and links between every stage.
//
//   node scripts/gen-lg.mjs [--nodes 10000] [--copies 4] [--iterations 3] [-o out.graph]
//
// Per block: app → data → Scatter[app → data → Loop[app (group start) → data (group end)]
// → app → data] → Gather[input app → data] → next block.

import { writeFileSync } from 'node:fs';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const NODES = Number(arg('--nodes', '10000'));
const COPIES = Number(arg('--copies', '4'));
const ITERATIONS = Number(arg('--iterations', '3'));
const out = arg('-o', undefined);

let fieldSeq = 0;
function field(name, value, type = 'String', usage = 'NoPort', parameterType = 'ComponentParameter') {
  return {
    id: `f${++fieldSeq}`, name, value, defaultValue: '', type, parameterType, usage, encoding: 'pickle',
    description: '', readonly: false, precious: false, positional: false, options: [],
  };
}

function base(id, name, category, categoryType, fields, parentId, isGroup = false) {
  const n = {
    id, name, category, categoryType, isGroup, fields,
    inputAppFields: [], outputAppFields: [], inputApplicationType: 'None', outputApplicationType: 'None',
    inputApplicationName: '', outputApplicationName: '', description: '', x: 0, y: 0,
  };
  if (parentId) n.parentId = parentId;
  return n;
}

/** An app with one input and one output port; returns the node and its port ids. */
function app(id, name, parentId, { start = false, end = false } = {}) {
  const inp = field('in', '', 'Object', 'InputPort', 'ApplicationArgument');
  const outp = field('out', '', 'Object', 'OutputPort', 'ApplicationArgument');
  const fields = [
    field('dropclass', 'dlg.apps.simple.SleepApp'),
    field('execution_time', 5, 'Float', 'NoPort', 'ConstraintParameter'),
    field('num_cpus', 1, 'Integer', 'NoPort', 'ConstraintParameter'),
    field('group_start', start, 'Boolean'),
    field('group_end', end, 'Boolean'),
    inp,
    outp,
  ];
  return { node: base(id, name, 'PythonApp', 'Application', fields, parentId), in: inp.id, out: outp.id };
}

function data(id, name, parentId, { start = false, end = false } = {}) {
  const inp = field('in', '', 'Object', 'InputPort', 'ApplicationArgument');
  const outp = field('out', '', 'Object', 'OutputPort', 'ApplicationArgument');
  const fields = [
    field('dropclass', 'dlg.data.drops.memory.InMemoryDROP'),
    field('data_volume', 5, 'Float', 'NoPort', 'ConstraintParameter'),
    field('group_start', start, 'Boolean'),
    field('group_end', end, 'Boolean'),
    inp,
    outp,
  ];
  return { node: base(id, name, 'Memory', 'Data', fields, parentId), in: inp.id, out: outp.id };
}

const nodes = [];
const links = [];
const link = (from, fromPort, to, toPort, loopAware = '0') => links.push({ from, fromPort, to, toPort, loop_aware: loopAware, closesLoop: false });

let previous; // {id, out} of the last block's gathered data
for (let b = 0; nodes.length + 12 <= Math.max(NODES, 12); b++) {
  const p = `b${b}`;
  const a0 = app(`${p}-prepare`, `Prepare ${b}`);
  const d0 = data(`${p}-input`, `Input ${b}`);
  const scatter = base(`${p}-scatter`, `Split ${b}`, 'Scatter', 'Construct', [field('num_of_copies', COPIES, 'Integer', 'NoPort', 'ConstructParameter')], undefined, true);
  const a1 = app(`${p}-calibrate`, `Calibrate ${b}`, scatter.id);
  const d1 = data(`${p}-calibrated`, `Calibrated ${b}`, scatter.id);
  const loop = base(`${p}-loop`, `Self-cal ${b}`, 'Loop', 'Construct', [field('num_of_iter', ITERATIONS, 'Integer', 'NoPort', 'ConstructParameter')], scatter.id, true);
  const a2 = app(`${p}-solve`, `Solve ${b}`, loop.id, { start: true });
  const d2 = data(`${p}-solution`, `Solution ${b}`, loop.id, { end: true });
  const a3 = app(`${p}-image`, `Image ${b}`, scatter.id);
  const d3 = data(`${p}-image-data`, `Image data ${b}`, scatter.id);
  const gather = base(`${p}-gather`, `Combine ${b}`, 'Gather', 'Construct', [field('num_of_inputs', COPIES, 'Integer', 'NoPort', 'ConstructParameter')], undefined, true);
  const gIn = field('in', '', 'Object', 'InputPort', 'ApplicationArgument');
  const gOut = field('out', '', 'Object', 'OutputPort', 'ApplicationArgument');
  gather.inputApplicationType = 'PythonApp';
  gather.inputApplicationName = 'Combine';
  gather.inputAppFields = [field('dropclass', 'dlg.apps.simple.SleepApp'), field('execution_time', 2, 'Float', 'NoPort', 'ConstraintParameter'), gIn, gOut];
  const d4 = data(`${p}-combined`, `Combined ${b}`, gather.id);

  nodes.push(a0.node, d0.node, scatter, a1.node, d1.node, loop, a2.node, d2.node, a3.node, d3.node, gather, d4.node);
  if (previous) link(previous.id, previous.out, a0.node.id, a0.in);
  link(a0.node.id, a0.out, d0.node.id, d0.in);
  link(d0.node.id, d0.out, a1.node.id, a1.in);
  link(a1.node.id, a1.out, d1.node.id, d1.in);
  link(d1.node.id, d1.out, a2.node.id, a2.in);
  link(a2.node.id, a2.out, d2.node.id, d2.in);
  link(d2.node.id, d2.out, a3.node.id, a3.in, '1');
  link(a3.node.id, a3.out, d3.node.id, d3.in);
  link(d3.node.id, d3.out, gather.id, gIn.id);
  link(gather.id, gOut.id, d4.node.id, d4.in);
  previous = { id: d4.node.id, out: d4.out };
}

const graph = {
  modelData: {
    filePath: out ?? 'generated.graph', fileType: 'Graph', schemaVersion: 'OJS', repoService: 'Unknown',
    shortDescription: `Generated by scripts/gen-lg.mjs: ${nodes.length} nodes, ${links.length} links`,
    numLGNodes: nodes.length,
  },
  nodeDataArray: nodes,
  linkDataArray: links,
};
const text = JSON.stringify(graph);
if (out) writeFileSync(out, text);
else process.stdout.write(text);
