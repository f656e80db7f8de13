// Facilities: what a batch job needs to know about a cluster (modules, environment set-up,
// account, default partition, DALiuGE root, node memory, login node). The entries shipped in
// facilities.json carry the values DALiuGE 6.7.0 uses (dlg/deploy/configs); a user's own file
// (--facility-file) has the same shape and its entries win over the shipped ones.

import { readFileSync } from 'node:fs';
import shipped from './facilities.json' with { type: 'json' };

export interface Facility {
  name: string;
  description?: string;
  /** Where users log in: the host of the `ssh -L` tunnel to the managers' dashboard. */
  loginNode?: string;
  account?: string;
  partition?: string;
  /** DALiuGE root on the compute nodes; `$VAR` references are expanded by the job's shell. */
  dlgRoot: string;
  /** `module` commands, one per entry, run before anything else. */
  modules: string[];
  /** Further shell lines (umask, a virtual environment for Python apps, exports). */
  setup: string[];
  /** Memory per node, as sbatch's --mem takes it (e.g. "16G"). */
  nodeMemory?: string;
  cpusPerTask?: number;
  /** Extra sbatch options, each like "--qos=debug". */
  sbatch: string[];
}

export const DEFAULT_FACILITY = 'local';

export class FacilityError extends Error {}

const STRING_FIELDS = ['description', 'loginNode', 'account', 'partition', 'dlgRoot', 'nodeMemory'] as const;
const LIST_FIELDS = ['modules', 'setup', 'sbatch'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...LIST_FIELDS, 'cpusPerTask']);

/** Checks one entry; `where` names the file and entry in messages. */
function facilityOf(name: string, raw: unknown, where: string): Facility {
  const at = `${where}: facility "${name}"`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FacilityError(`${at} must be an object`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!KNOWN.has(k)) throw new FacilityError(`${at}: unknown field "${k}" (known: ${[...KNOWN].join(', ')})`);
  }
  for (const k of STRING_FIELDS) {
    const v = r[k];
    if (v === undefined || v === null) continue;
    // Each value becomes one line of the batch script: a newline would start a command.
    if (typeof v !== 'string' || v === '' || /[\n\r\0]/.test(v)) throw new FacilityError(`${at}: field "${k}" must be a one-line, non-empty string`);
  }
  for (const k of LIST_FIELDS) {
    const v = r[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '' && !/[\n\r\0]/.test(x))) {
      throw new FacilityError(`${at}: field "${k}" must be a list of one-line, non-empty strings`);
    }
  }
  if (r.cpusPerTask !== undefined && r.cpusPerTask !== null && !(Number.isInteger(r.cpusPerTask) && (r.cpusPerTask as number) >= 1)) {
    throw new FacilityError(`${at}: field "cpusPerTask" must be a positive integer`);
  }
  if (r.nodeMemory !== undefined && r.nodeMemory !== null && !/^\d+[KMGT]?$/.test(r.nodeMemory as string)) {
    throw new FacilityError(`${at}: field "nodeMemory" must be a size such as 16G (sbatch --mem), not ${JSON.stringify(r.nodeMemory)}`);
  }
  for (const o of (r.sbatch as string[] | undefined) ?? []) {
    if (!/^--[a-z][a-z-]*(=\S+)?$/.test(o)) throw new FacilityError(`${at}: sbatch option ${JSON.stringify(o)} must look like --name or --name=value`);
  }
  const opt = (k: (typeof STRING_FIELDS)[number]) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  return {
    name,
    description: opt('description'),
    loginNode: opt('loginNode'),
    account: opt('account'),
    partition: opt('partition'),
    dlgRoot: opt('dlgRoot') ?? '$HOME/dlg',
    modules: (r.modules as string[] | undefined) ?? [],
    setup: (r.setup as string[] | undefined) ?? [],
    nodeMemory: opt('nodeMemory'),
    cpusPerTask: typeof r.cpusPerTask === 'number' ? r.cpusPerTask : undefined,
    sbatch: (r.sbatch as string[] | undefined) ?? [],
  };
}

/** Every entry of a facilities object ({name: entry}). */
export function parseFacilities(doc: unknown, where: string): Map<string, Facility> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new FacilityError(`${where}: expected an object of facility name → settings`);
  }
  const out = new Map<string, Facility>();
  for (const [name, raw] of Object.entries(doc)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new FacilityError(`${where}: facility name ${JSON.stringify(name)} may only hold letters, digits, _ . -`);
    out.set(name, facilityOf(name, raw, where));
  }
  return out;
}

export function shippedFacilities(): Map<string, Facility> {
  return parseFacilities(shipped, 'facilities.json (shipped)');
}

export function readFacilityFile(file: string): Map<string, Facility> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FacilityError(`cannot read the facility file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FacilityError(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseFacilities(doc, file);
}

/**
 * The facility to use: `name` among the user's file entries, then the shipped ones. With a
 * file and no name, the file's only entry; with neither, the shipped "local".
 */
export function selectFacility(name: string | undefined, file: string | undefined): Facility {
  const own = file ? readFacilityFile(file) : new Map<string, Facility>();
  if (name === undefined) {
    if (own.size === 1) return [...own.values()][0]!;
    if (own.size > 1) throw new FacilityError(`${file} holds ${own.size} facilities (${[...own.keys()].join(', ')}): choose one with --facility`);
    name = DEFAULT_FACILITY;
  }
  const found = own.get(name) ?? shippedFacilities().get(name);
  if (!found) {
    const known = [...new Set([...own.keys(), ...shippedFacilities().keys()])].sort();
    throw new FacilityError(`unknown facility "${name}"; known: ${known.join(', ')}`);
  }
  return found;
}
