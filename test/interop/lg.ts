// Logical graphs (EAGLE OJS) built in code for the interop tests: small graphs of Python
// apps that both translators (ours and DALiuGE's) unroll into the same drops.

import { createHash } from 'node:crypto';

export interface LgField {
  name: string;
  value: unknown;
  defaultValue: unknown;
  type: string;
  usage: 'NoPort' | 'InputPort' | 'OutputPort' | 'InputOutput';
  parameterType: 'ApplicationArgument' | 'ComponentParameter' | 'ConstraintParameter';
  encoding: string;
  positional: boolean;
  precious: boolean;
  readonly: boolean;
  options: unknown[];
  description: string;
  id: string;
}

export interface LgNode {
  id: string;
  name: string;
  category: string;
  categoryType: 'Application' | 'Data';
  fields: LgField[];
}

/** Deterministic ids, so a graph translates to the same oids every run. */
function idOf(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class LgBuilder {
  private readonly nodes: (LgNode & Record<string, unknown>)[] = [];
  private readonly links: Record<string, unknown>[] = [];

  constructor(readonly name: string) {}

  field(node: string, name: string, value: unknown, o: Partial<LgField> = {}): LgField {
    return {
      name,
      value,
      defaultValue: o.defaultValue ?? '',
      type: o.type ?? 'Object',
      usage: o.usage ?? 'NoPort',
      parameterType: o.parameterType ?? 'ApplicationArgument',
      encoding: o.encoding ?? 'pickle',
      positional: o.positional ?? false,
      precious: false,
      readonly: false,
      options: [],
      description: '',
      id: idOf(this.name, node, name),
    };
  }

  private add(name: string, category: string, categoryType: 'Application' | 'Data', fields: LgField[]): string {
    const id = idOf(this.name, name);
    this.nodes.push({ id, name, category, categoryType, isGroup: false, fields, inputAppFields: [], outputAppFields: [] });
    return id;
  }

  /** A memory drop, optionally with pydata of a type. */
  memory(name: string, pydata?: { value: unknown; type: string }): string {
    const f = [
      this.field(name, 'dropclass', 'dlg.data.drops.memory.InMemoryDROP', { type: 'String', parameterType: 'ComponentParameter' }),
      this.field(name, 'io', '', { usage: 'InputOutput' }),
    ];
    if (pydata) f.unshift(this.field(name, 'pydata', pydata.value, { type: pydata.type }));
    return this.add(name, 'Memory', 'Data', f);
  }

  /** A file drop with an empty filepath: both engines name it from its uid in the session directory. */
  file(name: string): string {
    return this.add(name, 'File', 'Data', [
      this.field(name, 'dropclass', 'dlg.data.drops.file.FileDROP', { type: 'String', parameterType: 'ComponentParameter' }),
      this.field(name, 'filepath', '', { type: 'String', parameterType: 'ComponentParameter' }),
      this.field(name, 'io', '', { usage: 'InputOutput' }),
    ]);
  }

  /** An app: its class, component parameters and application arguments (ports included). */
  app(name: string, dropclass: string, params: Record<string, unknown>, args: LgField[]): string {
    const f = [this.field(name, 'dropclass', dropclass, { type: 'String', parameterType: 'ComponentParameter' })];
    for (const [k, v] of Object.entries(params)) f.push(this.field(name, k, v, { type: typeof v === 'number' ? 'Integer' : 'String', parameterType: 'ComponentParameter' }));
    return this.add(name, dropclass.endsWith('PyFuncApp') ? 'PyFuncApp' : 'DALiuGEApp', 'Application', [...f, ...args]);
  }

  /** A PyFuncApp calling `func` (a dotted name, or a name with `code`). */
  pyfunc(name: string, func: string, args: LgField[], code = ''): string {
    return this.app(name, 'dlg.apps.pyfunc.PyFuncApp', { func_name: func, ...(code ? { func_code: code } : {}) }, args);
  }

  /** Link from a port of one node to a port of another (port = field name). */
  link(from: string, fromPort: string, to: string, toPort: string): this {
    const fromNode = this.nodes.find((n) => n.id === from)!;
    const toNode = this.nodes.find((n) => n.id === to)!;
    this.links.push({
      from,
      fromPort: idOf(this.name, fromNode.name, fromPort),
      to,
      toPort: idOf(this.name, toNode.name, toPort),
      loop_aware: '0',
      closesLoop: false,
    });
    return this;
  }

  build(): Record<string, unknown> {
    return {
      modelData: { fileType: 'Graph', schemaVersion: 'OJS', filePath: `${this.name}.graph`, shortDescription: this.name, detailedDescription: '' },
      nodeDataArray: this.nodes,
      linkDataArray: this.links,
    };
  }
}
