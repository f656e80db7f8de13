// Graph configurations (§2.3): a named set of field values, keyed by node id and field id.
// Fixes the reference's Q7 bugs: unknown node or field ids are diagnostics that name them
// (never a crash, never a silent skip), an external configuration applies whether or not
// the graph embeds any, and a configuration is found by its top-level `name`.

import { CODES, error, pointer, warning, type Diagnostic } from '../../kernel/diagnostics.ts';
import { isObject } from '../../kernel/relations.ts';
import type { GraphConfig } from '../model.ts';
import { convertToType, show } from './convert.ts';
import { FIELD_LISTS, type DocWriter } from './writer.ts';

export interface ConfigChoice {
  /** name or id of an embedded configuration; default: the active one */
  config?: string;
  /** an external configuration (--config-file), applied instead of any embedded one */
  configFile?: GraphConfig;
  /** where configFile came from, for messages */
  configFileName?: string;
}

interface Chosen {
  config: GraphConfig;
  label: string;
  /** JSON pointer prefix of the configuration in the LG (embedded) or '' (external) */
  base: string;
  /** the file the pointers are into */
  file?: string;
  /** chosen by the user: problems are errors; the active one's stale entries only warn */
  explicit: boolean;
}

function embeddedConfigs(w: DocWriter): Record<string, GraphConfig> {
  const c = w.doc.graphConfigurations;
  return isObject(c) ? (c as Record<string, GraphConfig>) : {};
}

function describeConfig(id: string, c: unknown): string {
  const name = isObject(c) && typeof c.name === 'string' && c.name !== '' ? c.name : undefined;
  return name ? `'${name}' (${id})` : `'${id}'`;
}

function choose(w: DocWriter, choice: ConfigChoice, file: string, diags: Diagnostic[]): Chosen | undefined {
  if (choice.configFile) {
    const c = choice.configFile;
    const label = `graph configuration ${describeConfig(typeof c.id === 'string' ? c.id : choice.configFileName ?? 'file', c)}`;
    return { config: c, label, base: '', file: choice.configFileName, explicit: true };
  }
  const configs = embeddedConfigs(w);
  if (choice.config !== undefined) {
    const want = choice.config;
    const byKey = isObject(configs[want]) ? want : undefined;
    const byId = byKey ?? Object.keys(configs).find((k) => isObject(configs[k]) && configs[k].id === want);
    const found = byId !== undefined ? [byId] : Object.keys(configs).filter((k) => isObject(configs[k]) && configs[k].name === want);
    if (found.length === 1) {
      const id = found[0];
      return { config: configs[id], label: `graph configuration ${describeConfig(id, configs[id])}`, base: pointer('graphConfigurations', id), file, explicit: true };
    }
    const available = Object.keys(configs).filter((k) => isObject(configs[k])).map((k) => describeConfig(k, configs[k])).sort();
    if (found.length > 1) {
      diags.push(error(CODES.AMBIGUOUS_CONFIG, `--config '${want}': ${found.length} graph configurations have this name (${found.join(', ')}); give the id instead`, { file, pointer: '/graphConfigurations' }));
    } else {
      const list = available.length ? `the graph has: ${available.join(', ')}` : 'the graph has no graph configurations';
      diags.push(error(CODES.UNKNOWN_CONFIG, `--config '${want}': no graph configuration has this name or id; ${list}`, { file, pointer: '/graphConfigurations' }));
    }
    return undefined;
  }
  const active = w.doc.activeGraphConfigId;
  if (typeof active !== 'string' || active === '') return undefined;
  if (!isObject(configs[active])) {
    diags.push(warning(CODES.ACTIVE_CONFIG_MISSING, `activeGraphConfigId '${active}' names no entry of graphConfigurations; the graph's own field values are used`, { file, pointer: '/activeGraphConfigId' }));
    return undefined;
  }
  return { config: configs[active], label: `active graph configuration ${describeConfig(active, configs[active])}`, base: pointer('graphConfigurations', active), file, explicit: false };
}

/** A value that later fill steps will replace: keep it as written. */
function isTemplated(v: unknown): boolean {
  return v === '' || (typeof v === 'string' && (v.includes('~') || v.includes('{')));
}

/** Applies the chosen configuration in place (through the writer). Linear in config size + nodes. */
export function applyGraphConfig(w: DocWriter, choice: ConfigChoice, file: string, diags: Diagnostic[]): GraphConfig | undefined {
  const chosen = choose(w, choice, file, diags);
  if (!chosen) return undefined;
  const { config, label, base, explicit } = chosen;
  const where = chosen.file;
  const report = (code: Parameters<typeof error>[0], msg: string, at: Partial<Diagnostic>) =>
    diags.push(explicit ? error(code, msg, { file: where, ...at }) : warning(code, msg, { file: where, ...at }));

  const byId = new Map<string, number>();
  for (let i = 0; i < w.nodeCount; i++) {
    const id = w.node(i)?.id;
    if ((typeof id === 'string' || typeof id === 'number') && !byId.has(String(id))) byId.set(String(id), i);
  }
  const nodes = isObject(config.nodes) ? config.nodes : {};
  for (const [nodeId, nodeCfg] of Object.entries(nodes)) {
    const nptr = `${base}${pointer('nodes', nodeId)}`;
    const i = byId.get(nodeId);
    if (i === undefined) {
      report(CODES.CONFIG_UNKNOWN_NODE, `${label} sets fields of node '${nodeId}', which is not in the graph`, { nodeId, pointer: nptr });
      continue;
    }
    const node = w.node(i)!;
    const nodeName = typeof node.name === 'string' ? node.name : '';
    const fields = isObject(nodeCfg) && isObject(nodeCfg.fields) ? nodeCfg.fields : {};
    for (const [fieldId, fieldCfg] of Object.entries(fields)) {
      const fptr = `${nptr}${pointer('fields', fieldId)}`;
      if (!isObject(fieldCfg) || !('value' in fieldCfg)) continue; // the schema rule reports it
      let target: { list: (typeof FIELD_LISTS)[number]; j: number } | undefined;
      for (const list of FIELD_LISTS) {
        const j = w.fields(i, list).findIndex((f) => f && typeof f === 'object' && f.id === fieldId);
        if (j >= 0) {
          target = { list, j };
          break;
        }
      }
      if (!target) {
        report(CODES.CONFIG_UNKNOWN_FIELD, `${label} sets field '${fieldId}', which node ${nodeName} (${nodeId}) does not have`, { nodeId, nodeName, field: fieldId, pointer: fptr });
        continue;
      }
      const f = w.field(i, target.list, target.j)!;
      let value = fieldCfg.value;
      if (!isTemplated(value)) {
        const c = convertToType(value, f.type, f.options);
        if (!c.ok) {
          diags.push(error(CODES.BAD_PARAMETER_VALUE, `${label} sets field '${f.name}' of node ${nodeName} (${nodeId}) to ${show(value)}, which ${c.reason} (the field's type is ${f.type})`, { file: where, nodeId, nodeName, field: String(f.name), pointer: fptr }));
          continue;
        }
        value = c.value;
      }
      w.setField(i, target.list, target.j, 'value', value);
    }
  }
  return config;
}
