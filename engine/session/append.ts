// A graph on its way into a session. A node manager gets most of a big graph's drops while the
// upload is still going on (rest/array-cutter.ts), so each batch of drop specs is checked as it
// is parsed: elements, oids, classes, specs, what Python must provide. The session takes the
// graph at the end, whole or not at all, and only then are the whole-graph checks made (the
// Python interpreter's answers, cycles through earlier appends).

import { type Admission } from './build.ts';
import { PythonNeeds } from '../drops/apps/python/admission.ts';
import type { DropSpec } from '../drops/spec.ts';
import { DropListReader } from './graph-input.ts';

export class GraphAppend {
  readonly python = new PythonNeeds();
  private readonly reader = new DropListReader();
  /** The graph-level element of a list given whole (addSpecs). */
  private whole: Record<string, unknown> | undefined;

  constructor(readonly admission: Admission) {}

  /** The next elements of the graph's drop list, in order; throws at the first that is not a drop spec. */
  addElements(items: unknown[]): void {
    this.addSpecs(this.reader.next(items));
  }

  /** Specs already checked as elements (readGraphInput), with the graph-level element if there was one. */
  addSpecs(specs: DropSpec[], reprodata?: Record<string, unknown>): void {
    this.python.scan(specs, this.admission.add(specs));
    if (reprodata !== undefined) this.whole = reprodata;
  }

  get specs(): readonly DropSpec[] {
    return this.admission.specs;
  }

  get reprodata(): Record<string, unknown> | undefined {
    return this.whole ?? this.reader.reprodata;
  }
}
