// Append-time checks of the drops that need Python: the functions PyFuncApps name import in
// the node's interpreter, simple apps find numpy, `eval` pydata evaluates. A graph that
// cannot run is refused with a 400 naming each drop, its function and the interpreter,
// before anything runs. Results are cached per session; a graph without Python apps starts
// no interpreter.

import type { DropClass } from '../../registry.ts';
import type { DropSpec } from '../../spec.ts';
import { invalidGraph } from '../../../errors.ts';
import { PYDATA_EVALUATED, pydataOf } from '../../../pyvalue/pydata.ts';
import type { PythonPool } from './pool.ts';

const MAX_LISTED = 10;

interface Need {
  item: Record<string, unknown>;
  what: string;
  drops: { oid: string; class: string }[];
}

function describe(item: Record<string, unknown>, cls: string): string {
  const spec = item.spec as Record<string, unknown> | undefined;
  if (spec && typeof spec.func_name === 'string' && spec.func_name !== '') return `${cls} ${spec.func_name}`;
  if (spec && spec.func_code) return `${cls} with func_code`;
  return cls;
}

function listed(lines: string[]): string {
  return lines.length <= MAX_LISTED ? lines.join('; ') : `${lines.slice(0, MAX_LISTED).join('; ')}; and ${lines.length - MAX_LISTED} more`;
}

/** What a graph's drops need of Python, gathered batch by batch (scan), then checked at once (check). */
export class PythonNeeds {
  private readonly needs = new Map<string, Need>();
  private readonly evals: DropSpec[] = [];

  /** A batch of specs and their classes (undefined where the admission refused the class). */
  scan(specs: readonly DropSpec[], classes: readonly (DropClass | undefined)[]): void {
    const { needs, evals } = this;
    for (let k = 0; k < specs.length; k++) {
      const spec = specs[k]!;
      const cls = classes[k];
      if (cls === undefined) continue; // reported by the synchronous admission
      if (cls.kind === 'data') {
        try {
          if (pydataOf(spec).kind === 'eval') evals.push(spec);
        } catch {
          /* a bad pydata is reported by the synchronous admission */
        }
        continue;
      }
      const item = cls.python?.(spec);
      if (item === undefined) continue;
      const key = JSON.stringify(item);
      let n = needs.get(key);
      if (n === undefined) needs.set(key, (n = { item: item as unknown as Record<string, unknown>, what: describe(item as unknown as Record<string, unknown>, cls.name), drops: [] }));
      n.drops.push({ oid: spec.oid, class: cls.name });
    }
  }

  /**
   * Refuses (400) the drops whose Python needs fail in the node's interpreter; `admitFirst`
   * (the synchronous admission) runs before any interpreter starts. Nothing runs when no drop
   * needs Python.
   */
  async check(
    pool: PythonPool | undefined,
    cache: Map<string, string | null>,
    cwd: string,
    admitFirst: () => void = () => {},
  ): Promise<void> {
    const { needs, evals } = this;
    if (needs.size === 0 && evals.length === 0) return;
    admitFirst();
    const all = [...needs.values()].flatMap((n) => n.drops);
    if (pool === undefined) throw invalidGraph(`${all.length} drop(s) need Python, but this engine runs without a Python runtime`, all);

    const unchecked = [...needs].filter(([k]) => !cache.has(k));
    let interpreter = pool.python;
    if (unchecked.length > 0) {
      let result: { problems: (string | null)[]; python: string } | undefined;
      try {
        result = await pool.check(
          unchecked.map(([, n]) => n.item),
          cwd,
        );
      } catch (err) {
        throw invalidGraph(
          `${all.length} drop(s) need Python, but the interpreter '${pool.python}' cannot be used: ${(err as Error).message}`,
          all,
        );
      }
      // A check that did not finish in time is not cached: the apps fail when they run if it was real.
      if (result !== undefined) {
        interpreter = result.python || interpreter;
        unchecked.forEach(([k], i) => cache.set(k, result!.problems[i] ?? null));
      }
    }
    const bad: string[] = [];
    const details: Record<string, unknown>[] = [];
    for (const [k, n] of needs) {
      const problem = cache.get(k);
      if (!problem) continue;
      for (const d of n.drops) {
        bad.push(`${d.oid} (${n.what}): ${problem}`);
        details.push({ ...d, function: n.what, problem, interpreter });
      }
    }
    if (bad.length > 0) throw invalidGraph(`${bad.length} Python app(s) cannot run with ${interpreter}: ${listed(bad)}`, details);

    if (evals.length > 0) {
      let values: Buffer[];
      try {
        values = await pool.evaluatePydata(evals.map((s) => (pydataOf(s) as { source: string }).source));
      } catch (err) {
        throw invalidGraph(`pydata of type eval could not be evaluated with ${interpreter}: ${(err as Error).message}`, evals.map((s) => s.oid));
      }
      evals.forEach((s, i) => Object.defineProperty(s, PYDATA_EVALUATED, { value: values[i], enumerable: false, configurable: true }));
    }
  }
}
