// Branches (reference §3.10.7, §8.6). DALiuGE's dlg.apps.simple.Branch evaluates a Python
// function (func_code); this engine cannot run Python, so a branch decides as follows:
//   1. a `condition` parameter, when present, is the answer (true/false/1/0/yes/no);
//      a value that is not a boolean fails the app rather than guessing;
//   2. otherwise the content of the first input, read with Python-like truthiness:
//      empty, 0, false, None, null, [] and {} are false, anything else is true;
//   3. with neither, the condition is true.
// A func_code present on the drop is reported in the drop's log as not evaluated.

import { AppDrop } from '../app.ts';
import { DropFailure } from '../../errors.ts';
import { DropState } from '../../states.ts';
import type { DataDrop } from '../data.ts';
import { isObject, parseBoolStrict, rawParam, valueText } from '../spec.ts';

const FALSY = new Set(['', '0', '0.0', 'false', 'none', 'null', '[]', '{}', '()', '""', "''"]);

export function truthy(text: string): boolean {
  return !FALSY.has(text.trim().toLowerCase());
}

async function evaluateCondition(app: AppDrop): Promise<boolean> {
  const explicit = rawParam(app.spec, 'condition');
  if (explicit !== undefined && explicit !== null && explicit !== '') {
    const v = parseBoolStrict(explicit);
    if (v === undefined) throw new DropFailure(`condition ${JSON.stringify(explicit)} is not a boolean`);
    return v;
  }
  if (rawParam(app.spec, 'func_code') !== undefined)
    app.log('WARNING', 'func_code is Python and is not evaluated; the branch follows the truthiness of its input', 'condition');
  const first = app.inputs[0];
  if (first && first.status === DropState.COMPLETED) return truthy((await first.read()).toString('utf8'));
  return true;
}

/** dlg.apps.simple.Branch: the output on port "true" or "false" gets the input, the other is skipped. */
export class BranchApp extends AppDrop {
  protected async run(): Promise<void> {
    const cond = await evaluateCondition(this);
    const { onTrue, onFalse } = this.branchOutputs();
    const taken = cond ? onTrue : onFalse;
    const untaken = cond ? onFalse : onTrue;
    for (const o of untaken) o.skip();
    const first = this.inputs[0];
    const data = first && first.status === DropState.COMPLETED ? await first.read() : Buffer.from(valueText(rawParam(this.spec, 'x')));
    for (const o of taken) if (data.length > 0) o.write(data);
  }

  /** Outputs by port name (the `ports` table or the outputs' entries); unnamed: first true, second false. */
  private branchOutputs(): { onTrue: DataDrop[]; onFalse: DataDrop[] } {
    const names = this.portsOf('outputs');
    const table = this.spec.ports;
    if (Array.isArray(table))
      for (const p of table)
        if (isObject(p) && p.direction === 'output' && typeof p.oid === 'string' && typeof p.name === 'string')
          names.set(p.oid, p.name);
    const onTrue: DataDrop[] = [];
    const onFalse: DataDrop[] = [];
    for (const o of this.outputs) {
      const n = names.get(o.oid);
      if (n === 'true') onTrue.push(o);
      else if (n === 'false') onFalse.push(o);
    }
    if (onTrue.length === 0 && onFalse.length === 0) {
      if (this.outputs[0]) onTrue.push(this.outputs[0]);
      if (this.outputs[1]) onFalse.push(this.outputs[1]);
    }
    return { onTrue, onFalse };
  }
}

/** dlg.apps.branch.BranchAppDrop (and SimpleBranch): exactly two outputs; true skips the second, false the first. */
export class BranchAppDrop extends AppDrop {
  protected async run(): Promise<void> {
    if (this.outputs.length !== 2)
      throw new DropFailure(`BranchAppDrop needs exactly 2 outputs, not ${this.outputs.length}`);
    const cond = await evaluateCondition(this);
    this.outputs[cond ? 1 : 0]!.skip();
  }

  override wiringProblem(): string | undefined {
    return this.outputs.length === 2 ? undefined : `BranchAppDrop needs exactly 2 outputs, not ${this.outputs.length}`;
  }
}
