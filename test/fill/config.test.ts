import test from 'ava';
import { join } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { fill, readConfigFile } from '../../compiler/fill/index.ts';
import type { GraphConfig, OjsDocument } from '../../compiler/model.ts';
import { codes, fieldById, graphConfigs, loadLg, nodeById, paramsDir, readJson } from '../validate/helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const load = (name: string) => loadLg(join(graphConfigs, name)).doc;

  /** Every (node, field, value) a configuration sets, from the fixture itself. */
  function settings(config: GraphConfig): { node: string; field: string; value: unknown }[] {
    return Object.entries(config.nodes).flatMap(([node, { fields }]) => Object.entries(fields).map(([field, f]) => ({ node, field, value: f.value })));
  }

  /** Config values are text ("5"); the fields are Integer, so they arrive as numbers. */
  function assertApplied(t: import('ava').ExecutionContext, out: OjsDocument, config: GraphConfig) {
    const s = settings(config);
    t.true(s.length > 0);
    for (const { node, field, value } of s) {
      const f = fieldById(nodeById(out, node), field);
      t.is(f.type, 'Integer');
      t.is(f.value, Number(value), `${node}/${field}`);
    }
  }

  test('the active configuration is applied by default (ArrayLoopLoop)', (t) => {
    const doc = load('ArrayLoopLoop.graph');
    const active = (doc.graphConfigurations as Record<string, GraphConfig>)[doc.activeGraphConfigId!];
    const r = fill(doc, {});
    t.deepEqual(r.diagnostics, []);
    assertApplied(t, r.value!, active);
    // Baked in: loading the result again must not re-apply a configuration over parameters.
    t.is(r.value!.activeGraphConfigId, null);
    t.deepEqual(r.value!.graphConfigurations, doc.graphConfigurations);
  });

  test('--config picks another embedded configuration by name (top-level name, Q7) or by id', (t) => {
    const doc = load('ArrayLoopScatter.graph');
    const configs = doc.graphConfigurations as Record<string, GraphConfig>;
    for (const [id, cfg] of Object.entries(configs)) {
      for (const key of [cfg.name!, id]) {
        const r = fill(doc, { config: key });
        t.deepEqual(r.diagnostics, [], key);
        assertApplied(t, r.value!, cfg);
        // What the other configuration would set keeps the graph's value.
        for (const [otherId, other] of Object.entries(configs)) {
          if (otherId === id) continue;
          for (const s of settings(other)) {
            const base = fieldById(nodeById(doc, s.node), s.field).value;
            t.is(fieldById(nodeById(r.value!, s.node), s.field).value, base);
          }
        }
      }
    }
  });

  test('no active configuration: nothing is applied', (t) => {
    const doc = load('ArrayLoopNoActiveID.graph');
    const r = fill(doc, {});
    t.deepEqual(r.diagnostics, []);
    t.deepEqual(r.value!.nodeDataArray, doc.nodeDataArray);
  });

  test('an external configuration applies even when the graph embeds none (Q7)', (t) => {
    const cfg = readConfigFile(join(paramsDir, 'arrayloop-copies.config.json'));
    t.deepEqual(cfg.diagnostics, []);
    for (const name of ['ArrayLoopNoActiveID.graph', 'ArrayLoopLoop.graph']) {
      const r = fill(load(name), { configFile: cfg.value });
      t.deepEqual(r.diagnostics, [], name);
      assertApplied(t, r.value!, cfg.value!);
    }
  });

  test('unknown node and field ids of an external configuration are errors naming them, not crashes (Q7)', (t) => {
    const doc = load('ArrayLoopLoop.graph');
    const cfg = readJson<GraphConfig>(join(paramsDir, 'stale-ids.config.json'));
    const r = fill(doc, { configFile: cfg, configFileName: 'stale-ids.config.json' });
    t.is(r.value, undefined);
    t.deepEqual(codes(r.diagnostics).sort(), [CODES.CONFIG_UNKNOWN_NODE, CODES.CONFIG_UNKNOWN_FIELD].sort());
    const node = r.diagnostics.find((d) => d.code === CODES.CONFIG_UNKNOWN_NODE)!;
    t.is(node.nodeId, 'no-such-node');
    t.is(node.file, 'stale-ids.config.json');
    const field = r.diagnostics.find((d) => d.code === CODES.CONFIG_UNKNOWN_FIELD)!;
    t.is(field.field, 'no-such-field');
    t.is(field.nodeId, Object.keys(cfg.nodes)[0]);
    t.is(field.nodeName, nodeById(doc, field.nodeId!).name);
  });

  test('stale ids in the active embedded configuration only warn', (t) => {
    const doc = load('ArrayLoopLoop.graph');
    const configs = structuredClone(doc.graphConfigurations) as Record<string, GraphConfig>;
    configs[doc.activeGraphConfigId!].nodes['gone'] = { fields: { x: { value: 1 } } };
    const r = fill({ ...doc, graphConfigurations: configs }, {});
    t.truthy(r.value);
    t.deepEqual(r.diagnostics.map((d) => [d.code, d.severity]), [[CODES.CONFIG_UNKNOWN_NODE, 'warning']]);
  });

  test('an unknown --config lists the configurations the graph has', (t) => {
    const doc = load('ArrayLoopScatter.graph');
    const r = fill(doc, { config: 'Nope' });
    t.deepEqual(codes(r.diagnostics), [CODES.UNKNOWN_CONFIG]);
    for (const [id, c] of Object.entries(doc.graphConfigurations as Record<string, GraphConfig>)) {
      t.true(r.diagnostics[0].message.includes(id));
      t.true(r.diagnostics[0].message.includes(c.name!));
    }
  });

  test('an active id that names no configuration warns and keeps the base values', (t) => {
    const doc = load('ArrayLoopLoop.graph');
    const r = fill({ ...doc, activeGraphConfigId: 'missing' }, {});
    t.deepEqual(codes(r.diagnostics), [CODES.ACTIVE_CONFIG_MISSING]);
    t.deepEqual(r.value!.nodeDataArray, doc.nodeDataArray);
  });

  test('a config value that does not fit the field type is an error naming node, field and value', (t) => {
    const doc = load('ArrayLoopNoActiveID.graph');
    const cfg = readJson<GraphConfig>(join(paramsDir, 'arrayloop-copies.config.json'));
    const [nodeId] = Object.keys(cfg.nodes);
    const [fieldId] = Object.keys(cfg.nodes[nodeId].fields);
    cfg.nodes[nodeId].fields[fieldId].value = 'three';
    const r = fill(doc, { configFile: cfg });
    const d = r.diagnostics.find((x) => x.code === CODES.BAD_PARAMETER_VALUE)!;
    t.is(d.nodeId, nodeId);
    t.is(d.nodeName, nodeById(doc, nodeId).name);
    t.is(d.field, fieldById(nodeById(doc, nodeId), fieldId).name);
    t.regex(d.message, /"three"/);
  });

  test('order: configuration, then parameters (a parameter wins over the configuration)', (t) => {
    const doc = load('ArrayLoopLoop.graph');
    const active = (doc.graphConfigurations as Record<string, GraphConfig>)[doc.activeGraphConfigId!];
    const [s] = settings(active);
    const field = fieldById(nodeById(doc, s.node), s.field);
    const r = fill(doc, { params: { [`${s.node}.${field.name}`]: 9 } });
    t.deepEqual(r.diagnostics, []);
    t.is(fieldById(nodeById(r.value!, s.node), s.field).value, 9);
  });
}
