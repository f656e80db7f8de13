// The reference's own REST tests (daliuge-engine/test/manager/test_rest.py) against our node
// manager. The ones that fail do so by design; README ("The reference's REST tests") says why.

import test from 'ava';
import { join } from 'node:path';
import { startNode } from '../engine/helpers.ts';
import { freePort, needsReference, runRefPython } from './reference.ts';

/** Each test of test_rest.py: what it gives against our node manager. */
const EXPECTED: Record<string, RegExp> = {
  test_index: /^ok$/,
  test_submit_method: /^ok$/,
  // It destroys session 1234 and creates it again: here a session whose directory holds
  // files (those of the destroyed one) cannot be created again (409, so no run mixes its files
  // with an earlier one's); the reference reuses the directory.
  test_reprostatus_get: /^error: dlg\.exceptions\.SessionAlreadyExistsException: .*Session '1234' cannot be created: the session directory .* already exists and is not empty/,
  // Bad graphs are refused with the specific exception (InvalidGraphException, 400, listing
  // each drop); the reference wraps it in ErrorManagerCaughtException.
  test_errtype: /^error: dlg\.exceptions\.InvalidGraphException: Drop #0 is missing its 'oid' argument$/,
  // Same, seen through the reference's data island manager: the node's error is not an
  // ErrorManagerCaughtException.
  test_recursive: /^fail: AssertionError: False is not true$/,
  // Reproducibility hashes (rg_blockhash...) are not computed here: reprodata passes through.
  test_reprodata_get: /^error: KeyError: 'rg_blockhash'$/,
};

if (needsReference(test)) {
  test('test_rest.py: every test passes except the ones that differ by design', async (t) => {
    const node = await startNode(t);
    const outcomes = JSON.parse(await runRefPython('run_test_rest.py', [String(node.port), String(await freePort()), join(node.root, 'workspace')])) as Record<string, string>;
    t.deepEqual(Object.keys(outcomes).sort(), Object.keys(EXPECTED).sort(), 'the same tests ran');
    for (const [name, outcome] of Object.entries(outcomes)) t.regex(outcome, EXPECTED[name]!, name);
  });
}
