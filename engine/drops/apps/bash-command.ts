// Building a BashShellApp command line (reference §8.9): `{uid}` placeholders, named
// port/argument placeholders read with their encodings, and the legacy %iN/%oN forms. The
// template is read once (shell-template.ts): every value reaches the command as data, never
// as shell syntax, unless its argument is marked raw.

import type { AppDrop } from '../app.ts';
import { resolveDlgEnv } from '../drop.ts';
import type { DataDrop } from '../data.ts';
import { DropState } from '../../states.ts';
import { DropFailure } from '../../errors.ts';
import { type ArgField, entryPort, isObject, relationshipList, stringParam, valueText } from '../spec.ts';
import { type RenderedCommand, type Substitution, renderCommand } from './shell-template.ts';
import { NotBuiltinPickle, looksLikePickle, pickleLoads } from '../../pyvalue/pickle-read.ts';
import { pyStr } from '../../pyvalue/value.ts';

export { shellQuote } from './shell-template.ts';

interface Argument {
  name: string;
  value: unknown;
  encoding: string;
  positional: boolean;
  precious: boolean;
  raw: boolean;
}

function argumentsOf(app: AppDrop): Argument[] {
  const args = app.spec.applicationArgs;
  if (!isObject(args)) return [];
  const rawNames = new Set(
    stringParam(app.spec, 'raw_arguments')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const out: Argument[] = [];
  for (const [name, f] of Object.entries(args)) {
    if (!isObject(f)) continue;
    const field = f as ArgField;
    if (field.type === 'Event') continue;
    out.push({
      name,
      // A value that is exactly $DLG_<X> means that variable (reference §8.1 step 5).
      value: typeof field.value === 'string' ? resolveDlgEnv(field.value, app) : field.value,
      encoding: typeof field.encoding === 'string' ? field.encoding.toLowerCase() : '',
      positional: field.positional === true,
      precious: field.precious === true,
      raw: field.raw === true || rawNames.has(name),
    });
  }
  return out;
}

function locationOf(d: DataDrop): string {
  return d.path ?? d.dataURL;
}

async function readAs(d: DataDrop, encoding: string, port: string): Promise<string> {
  if (encoding === 'path') return locationOf(d);
  if (encoding === 'dataurl') return d.dataURL;
  const data = await d.read();
  // pickle/dill ports hold Python values (pydata, results of Python apps): the command gets
  // str(value), as DALiuGE's command line does. Content that is not a pickle stays text.
  if ((encoding === 'pickle' || encoding === 'dill') && looksLikePickle(data)) {
    try {
      return pyStr(pickleLoads(data));
    } catch (err) {
      if (err instanceof NotBuiltinPickle) throw new DropFailure(`port ${port} holds a pickled object that only Python can read (${d.oid})`);
    }
  }
  // utf-8, and the other Python encodings (npy, eval, binary, raw): the content itself.
  return data.toString('utf8');
}

/** Connected drops in spec order, with the port name the app gives each. */
function portEntries(app: AppDrop, key: 'inputs' | 'outputs', drops: DataDrop[]): { drop: DataDrop; port?: string }[] {
  const byOid = new Map<string, DataDrop>();
  for (const d of drops) byOid.set(d.oid, d);
  const ports = new Map<string, string | undefined>();
  for (const e of relationshipList(app.spec, key) ?? []) {
    const port = entryPort(e);
    const oid = typeof e === 'string' ? e : isObject(e) ? Object.keys(e)[0] : undefined;
    if (oid !== undefined && !ports.has(oid)) ports.set(oid, port);
  }
  // Drops wired from the other side only (a data drop's consumers list) have no port name.
  return drops.map((drop) => ({ drop, port: ports.get(drop.oid) }));
}

export async function buildCommand(app: AppDrop): Promise<RenderedCommand> {
  const template = stringParam(app.spec, 'command').trim();
  if (template === '') throw new DropFailure('No command specified');

  const inputs = portEntries(app, 'inputs', app.inputs);
  const outputs = portEntries(app, 'outputs', app.outputs);

  const subs = new Map<string, Substitution>();
  // {uid}: the drop's path, or (the reference means to but never does, §9 Q37) its dataURL.
  for (const { drop } of [...inputs, ...outputs]) if (!subs.has(drop.uid)) subs.set(drop.uid, { value: locationOf(drop), raw: false });

  const args = argumentsOf(app);
  const byName = new Map(args.map((a) => [a.name, a]));
  const anyNamedInput = inputs.some((i) => i.port !== undefined);
  for (const { drop, port } of inputs) {
    const arg = port !== undefined ? byName.get(port) : undefined;
    if (!arg || drop.status === DropState.SKIPPED) continue;
    arg.value = await readAs(drop, arg.encoding || 'utf-8', port!);
  }
  if (!anyNamedInput) {
    // Unnamed inputs fill the positional arguments in order.
    const positional = args.filter((a) => a.positional);
    for (let i = 0; i < inputs.length && i < positional.length; i++) {
      const { drop } = inputs[i]!;
      if (drop.status !== DropState.SKIPPED) positional[i]!.value = await readAs(drop, positional[i]!.encoding || 'path', positional[i]!.name);
    }
  }
  for (const { drop, port } of outputs) {
    const arg = port !== undefined ? byName.get(port) : undefined;
    if (!arg) continue;
    if (arg.encoding === 'dataurl') arg.value = drop.dataURL;
    else if (arg.encoding === 'path' || arg.encoding === '') arg.value = locationOf(drop);
  }

  // Keyword arguments before positional ones, as the reference replaces them; a {uid} wins.
  const kept = args.filter((a) => a.precious || !(a.value === null || a.value === undefined || a.value === false || a.value === ''));
  for (const a of [...kept.filter((k) => !k.positional), ...kept.filter((k) => k.positional)])
    if (!subs.has(a.name)) subs.set(a.name, { value: valueText(a.value), raw: a.raw });

  return renderCommand(template, (t, i) => {
    const c = t.charCodeAt(i);
    if (c === 123 /* { */) {
      const end = t.indexOf('}', i + 1);
      if (end < 0) return undefined;
      const name = t.slice(i + 1, end);
      const sub = subs.get(name);
      return sub ? { length: end + 1 - i, name, sub } : undefined;
    }
    if (c === 37 /* % */) return legacyAt(t, i, app);
    return undefined;
  });
}

const LEGACY = /%([io])(DataURL)?(?:(\d+)|\[([^\]]+)\])/y;

/** %iN, %oN, %i[uid], %o[uid] and their %iDataURL / %oDataURL forms; unknown references stay literal. */
function legacyAt(t: string, i: number, app: AppDrop): ReturnType<Parameters<typeof renderCommand>[1]> {
  const next = t[i + 1];
  if (next !== 'i' && next !== 'o') return undefined;
  LEGACY.lastIndex = i;
  const m = LEGACY.exec(t);
  if (!m) return undefined;
  const [whole, io, url, n, uid] = m;
  const list = io === 'i' ? app.inputs : app.outputs;
  const d = n !== undefined ? list[Number(n)] : list.find((x) => x.uid === uid || x.oid === uid);
  if (!d) return undefined;
  return { length: whole.length, name: whole, sub: { value: url ? d.dataURL : locationOf(d), raw: false } };
}
