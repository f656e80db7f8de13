// The translator service follows the managers' rules (engine/managers/rest/security.ts):
// a web page from an origin not on the list, a foreign Host, or a missing token is refused
// before any handler runs; EAGLE's origin and the service's own pages are let through.

import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rawCall } from '../engine/http-raw.ts';
import { DEFAULT_SECURITY } from '../../engine/managers/rest/security.ts';
import { ourGraphs, startTranslator } from './helpers.ts';

const hello = readFileSync(join(ourGraphs, 'hello_pipeline.graph'), 'utf8');
const formBody = new URLSearchParams({ lg_name: 'hello_pipeline.graph', json_data: hello }).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

function portOf(base: string): number {
  return Number(new URL(base).port);
}

test('a cross-site form POST to /gen_pgt is refused before anything is translated; EAGLE\'s origin is allowed', async (t) => {
  const tr = await startTranslator(t);
  const port = portOf(tr.base);
  const evil = await rawCall(port, 'POST', '/gen_pgt', { ...formHeaders, origin: 'https://evil.example' }, formBody);
  t.is(evil.status, 403);
  t.regex(evil.json.args[0], /origin 'https:\/\/evil\.example' are not allowed/);
  t.deepEqual(readdirSync(tr.pgtDir), [], 'nothing stored');

  const eagle = await rawCall(port, 'POST', '/gen_pgt', { ...formHeaders, origin: 'https://eagle.icrar.org' }, formBody);
  t.is(eagle.status, 200);
  t.is(eagle.headers['access-control-allow-origin'], 'https://eagle.icrar.org');
  const own = await rawCall(port, 'GET', '/pgts', { origin: tr.base });
  t.is(own.status, 200, 'the service\'s own pages call it');
  const rebinding = await rawCall(port, 'GET', '/pgts', { host: `attacker.example:${port}` });
  t.is(rebinding.status, 403);
});

test('with a token every route needs it; pages opened with ?token= hand it to their scripts', async (t) => {
  const tr = await startTranslator(t, { security: { ...DEFAULT_SECURITY, token: 's3cret' } });
  const port = portOf(tr.base);
  t.is((await rawCall(port, 'POST', '/gen_pgt', formHeaders, formBody)).status, 401);
  t.is((await rawCall(port, 'GET', '/pgts')).status, 401);
  const ok = await rawCall(port, 'POST', '/gen_pgt', { ...formHeaders, authorization: 'Bearer s3cret' }, formBody);
  t.is(ok.status, 200);
  const id = /"pgtId":"([^"]+)"/.exec(ok.text)![1]!;
  const page = await rawCall(port, 'GET', `/pg_viewer?pgt_view_name=${id}&token=s3cret`);
  t.is(page.status, 200);
  t.regex(page.text, /<script src="\/static\/views\/viewer\.js\?token=s3cret">/);
  t.regex(page.text, /"token":"s3cret"/);
  t.is((await rawCall(port, 'GET', `/pgt_view?pgt_id=${id}&token=wrong`)).status, 401);
  t.is((await rawCall(port, 'GET', `/pgt_view?pgt_id=${id}&token=s3cret`)).status, 200);
});
