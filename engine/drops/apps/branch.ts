// Branches (reference §3.10.7, §8.6). DALiuGE's dlg.apps.simple.Branch evaluates a Python
// function (func_code or a dotted func_name); such branches run their condition in a Python
// worker (python/apps.ts) and route with routeBranch below. Without Python code a branch
// decides here:
//   1. a `condition` parameter, when present, is the answer (true/false/1/0/yes/no);
//      a value that is not a boolean fails the app rather than guessing;
//   2. otherwise the content of the first input, read with Python's truthiness: a pickle
//      by its value, text as empty, 0, false, None, null, [] and {} being false;
//   3. with neither, the condition is true.

import { AppDrop } from '../app.ts';
import { DropFailure } from '../../errors.ts';
import { DropState } from '../../states.ts';
import type { DataDrop } from '../data.ts';
import { isObject, parseBoolStrict, rawParam } from '../spec.ts';
import { looksLikePickle, pickleLoads } from '../../pyvalue/pickle-read.ts';
import { pickleDumps } from '../../pyvalue/pickle-write.ts';
import { fromJson, pyTruthy } from '../../pyvalue/value.ts';

const FALSY = new Set(['', '0', '0.0', 'false', 'none', 'null', '[]', '{}', '()', '""', "''"]);

export function truthy(text: string): boolean {
  return !FALSY.has(text.trim().toLowerCase());
}

/** The truth value of a drop's content: a pickle by the value it holds, anything else as text. */
export function contentTruthy(data: Buffer): boolean {
  if (looksLikePickle(data)) {
    try {
      return pyTruthy(pickleLoads(data));
    } catch {
      return true; // an object only Python can rebuild: objects are true unless they say otherwise
    }
  }
  return truthy(data.toString('utf8'));
}

async function evaluateCondition(app: AppDrop): Promise<boolean> {
  const explicit = rawParam(app.spec, 'condition');
  if (explicit !== undefined && explicit !== null && explicit !== '') {
    const v = parseBoolStrict(explicit);
    if (v === undefined) throw new DropFailure(`condition ${JSON.stringify(explicit)} is not a boolean`);
    return v;
  }
  const first = app.inputs[0];
  if (first && first.status === DropState.COMPLETED) return contentTruthy(await first.read());
  return true;
}

/** Outputs by port name (the `ports` table or the outputs' entries); unnamed: first true, second false. */
function branchOutputs(app: AppDrop): { onTrue: DataDrop[]; onFalse: DataDrop[] } {
  const names = app.portsOf('outputs');
  const table = app.spec.ports;
  if (Array.isArray(table))
    for (const p of table)
      if (isObject(p) && p.direction === 'output' && typeof p.oid === 'string' && typeof p.name === 'string') names.set(p.oid, p.name);
  const onTrue: DataDrop[] = [];
  const onFalse: DataDrop[] = [];
  for (const o of app.outputs) {
    const n = names.get(o.oid);
    if (n === 'true') onTrue.push(o);
    else if (n === 'false') onFalse.push(o);
  }
  if (onTrue.length === 0 && onFalse.length === 0) {
    if (app.outputs[0]) onTrue.push(app.outputs[0]);
    if (app.outputs[1]) onFalse.push(app.outputs[1]);
  }
  return { onTrue, onFalse };
}

/**
 * Skip the untaken side and copy the data to the taken one: the raw bytes of the input on
 * port `x` (DALiuGE's self.x), else of the first input; with no input, the pickle of the `x`
 * parameter, as DALiuGE writes it.
 */
export async function routeBranch(app: AppDrop, cond: boolean): Promise<void> {
  const { onTrue, onFalse } = branchOutputs(app);
  const taken = cond ? onTrue : onFalse;
  for (const o of cond ? onFalse : onTrue) o.skip();
  const ports = app.portsOf('inputs');
  const source = app.inputs.find((i) => ports.get(i.oid) === 'x') ?? app.inputs[0];
  let data: Buffer;
  if (source) data = source.status === DropState.COMPLETED ? await source.read() : Buffer.alloc(0);
  else data = pickleDumps(fromJson(rawParam(app.spec, 'x')));
  for (const o of taken) if (data.length > 0) o.write(data);
}

/** dlg.apps.simple.Branch without Python code: the output on port "true" or "false" gets the input, the other is skipped. */
export class BranchApp extends AppDrop {
  protected async run(): Promise<void> {
    await routeBranch(this, await evaluateCondition(this));
  }
}

/** dlg.apps.branch.BranchAppDrop (and SimpleBranch): exactly two outputs; true skips the second, false the first. */
export class BranchAppDrop extends AppDrop {
  protected async run(): Promise<void> {
    if (this.outputs.length !== 2)
      throw new DropFailure(`BranchAppDrop needs exactly 2 outputs, not ${this.outputs.length}`);
    const cond = await this.condition();
    this.outputs[cond ? 1 : 0]!.skip();
  }

  protected condition(): Promise<boolean> {
    return evaluateCondition(this);
  }

  override wiringProblem(): string | undefined {
    return this.outputs.length === 2 ? undefined : `BranchAppDrop needs exactly 2 outputs, not ${this.outputs.length}`;
  }
}

/**
 * dlg.apps.simple.SimpleBranch: told its answer by the `result` parameter (default true),
 * read by meaning: DALiuGE takes the string "False" as true (Q21).
 */
export class SimpleBranch extends BranchAppDrop {
  protected override condition(): Promise<boolean> {
    const r = rawParam(this.spec, 'result');
    if (r === undefined || r === null || r === '') return evaluateCondition(this);
    const v = parseBoolStrict(r);
    if (v === undefined) return Promise.reject(new DropFailure(`result ${JSON.stringify(r)} is not a boolean`));
    return Promise.resolve(v);
  }
}
