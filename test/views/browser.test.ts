// The views in a real browser (headless Debian chromium): the viewer on a reference graph
// served by the translator, the self-contained `--emit html` file of a 10^4-drop graph, the
// Gantt page, and a running session's dashboard updating without a reload. Each asserts what
// the page shows in its DOM, that nothing went to the console as an error, and leaves a
// screenshot in test-results/.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { submit } from '../../engine/client/deploy.ts';
import { DETAIL_LIMIT, type GraphModel } from '../../views/model.ts';
import { dashboardGraph } from '../engine/dashboard-graph.ts';
import { startNode } from '../engine/helpers.ts';
import { needsShared, referenceFixtures } from '../shared.ts';
import { form, ourGraphs, repoRoot, startTranslator, tempDir } from '../service/helpers.ts';
import { launch, needsChromium, openPage, ready, screenshots, type Browser } from './browser.ts';

// Page functions run in the browser; this file is type-checked without the DOM library.
declare const window: any;
declare const document: any;

type Stats = { groupNodes: number; dropNodes: number; edges: number; expanded: number[] };

if (needsChromium(test)) {
  let browser: Browser;
  test.before(async () => {
    const built = spawnSync(process.execPath, [join(repoRoot, 'scripts/build-views.mjs')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the views failed: ${built.stderr}`);
    browser = await launch();
  });
  test.after.always(async () => browser?.close());

  const stats = (page: import('playwright-core').Page) => page.evaluate(() => (window as unknown as { dlg: { view: { stats(): Stats } } }).dlg.view.stats());

  if (needsShared(test)) {
    test.serial('viewer and Gantt chart of cont_img_mvp served by the translator', async (t) => {
      const tr = await startTranslator(t);
      const lg = readFileSync(join(referenceFixtures, 'translator/logical_graphs/cont_img_mvp.graph'), 'utf8');
      const html = await (await form(tr.base, '/gen_pgt', { lg_name: 'cont_img_mvp.graph', json_data: lg, num_par: '3', algo: 'metis' })).text();
      const id = /"pgtId":"([^"]+)"/.exec(html)![1]!;
      const model = (await (await fetch(`${tr.base}/pgt_view?pgt_id=${id}`)).json()) as GraphModel;
      const { page, errors } = await openPage(t, browser);
      await page.goto(`${tr.base}/pg_viewer?pgt_view_name=${id}`);
      await ready(page);
      t.is(await page.locator('#groups tbody tr').count(), model.groups.length);
      t.is(await page.locator('table.summary tr', { hasText: 'drops' }).first().locator('td').textContent(), '144');
      t.is(await page.locator('#parts li').count(), model.parts.length);
      const s0 = await stats(page);
      t.is(s0.groupNodes, model.groups.length, 'one node per LG node, collapsed');
      t.is(s0.dropNodes, 0);

      // Expand the biggest LG node: its drops appear, each coloured by its partition.
      const big = model.groups.reduce((b, g, i) => (g.count > model.groups[b]!.count ? i : b), 0);
      await page.locator(`#groups tr[data-group="${big}"] button`).click();
      const s1 = await stats(page);
      t.deepEqual(s1.expanded, [big]);
      t.is(s1.dropNodes, model.groups[big]!.count);

      // Search by oid: one drop found, revealed in its group.
      const oid = model.detail!.oid[model.detail!.group.indexOf(big === 0 ? 1 : 0)]!;
      await page.fill('#search', oid);
      await page.waitForSelector('#search-count');
      t.regex((await page.textContent('#search-count'))!, /, 1 drop$/);
      await page.locator('#results li a', { hasText: oid }).click();
      t.is((await stats(page)).expanded.length, 2);
      await page.screenshot({ path: join(screenshots, 'viewer-cont_img_mvp.png') });

      await page.goto(`${tr.base}/show_gantt_chart?pgt_id=${id}`);
      await ready(page);
      const bars = await page.evaluate(() => (window as unknown as { dlg: { schedule: { bars: number[]; critical: number[] } } }).dlg.schedule);
      t.true(bars.bars.length / 5 > 0 && bars.critical.length > 0);
      t.regex((await page.textContent('#subtitle'))!, /144 drops · completion time \d+ · 3 partition\(s\)/);
      await page.screenshot({ path: join(screenshots, 'gantt-cont_img_mvp.png') });
      await page.click('button:has-text("Partition matrix")');
      t.is(await page.getAttribute('body', 'data-tab'), 'matrix');
      await page.screenshot({ path: join(screenshots, 'matrix-cont_img_mvp.png') });
      t.deepEqual(errors, []);
    });
  }

  test.serial('the self-contained --emit html file of a 10^4-drop graph, opened from disk', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'view.html');
    const translate = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'compiler/cli/dlg-translate.ts'), join(ourGraphs, 'hello_pipeline.graph'),
      '-p', 'Greetings.num_of_copies=4300', '-a', 'metis', '-N', '4', ...args], { cwd: repoRoot, encoding: 'utf8' });
    const r = translate('--emit', 'html', '-o', out);
    t.is(r.status, 0, r.stderr);
    // The same translation as a drop list says how many drops the page must show.
    t.is(translate('--emit', 'pgtp', '-o', join(dir, 'pgtp.json')).status, 0);
    const pgtp = JSON.parse(readFileSync(join(dir, 'pgtp.json'), 'utf8')) as { oid?: string; node?: string }[];
    const drops = pgtp.filter((d) => d.oid !== undefined).length;
    t.true(drops > 9_000 && drops < 11_000, `${drops} drops`);
    const html = readFileSync(out, 'utf8');
    t.notRegex(html, /<script src=|<link rel="stylesheet" href=/, 'nothing loaded from elsewhere');
    const config = JSON.parse(/<script type="application\/json" id="dlg-config">(.*?)<\/script>/s.exec(html)![1]!) as { model: GraphModel };
    t.is(config.model.drops, drops);
    t.true(config.model.drops <= DETAIL_LIMIT && config.model.detail!.oid.length === drops);
    t.is(config.model.parts.length, new Set(pgtp.map((d) => d.node).filter(Boolean)).size);

    const { page, errors } = await openPage(t, browser);
    await page.goto(pathToFileURL(out).href);
    const ms = await ready(page);
    t.log(`ready ${ms} ms after navigation`);
    t.is(await page.locator('table.summary tr', { hasText: /^drops/ }).first().locator('td').textContent(), drops.toLocaleString('en-US'));
    t.is(await page.locator('#groups tbody tr').count(), config.model.groups.length);
    t.is(await page.locator('#parts li').count(), config.model.parts.length);
    const hello = config.model.groups.findIndex((g) => g.name === 'Hello');
    t.is(config.model.groups[hello]!.count, 4300);
    t.is((await stats(page)).groupNodes, config.model.groups.length);
    await page.locator(`#groups tr[data-group="${hello}"] button`).click();
    const s = await stats(page);
    t.is(s.dropNodes, 400, 'an expanded node shows its first 400 drops');
    const label = await page.evaluate((g) => (window as unknown as { dlg: { view: { cy: { getElementById(id: string): { data(k: string): string } } } } }).dlg.view.cy.getElementById(`g${g}`).data('label'), hello);
    t.is(label, 'Hello (4,300 drops, 400 shown)');
    await page.fill('#search', '_0-4299');
    await page.waitForSelector('#search-count');
    t.regex((await page.textContent('#search-count'))!, /, 2 drops$/, 'Hello and greeting of instance 4299');
    await page.locator('#results li a', { hasText: 'hello' }).first().click();
    t.true(await page.evaluate(() => (window as unknown as { dlg: { view: { cy: { nodes(s: string): { length: number } } } } }).dlg.view.cy.nodes('.drop:selected').length === 1));
    await page.screenshot({ path: join(screenshots, 'viewer-10k.png') });
    t.deepEqual(errors, []);
  });

  test.serial('the session dashboard of a running session follows its drops without a reload', async (t) => {
    const node = await startNode(t);
    const width = 8;
    await submit(node.client, dashboardGraph(width), { sessionId: 'browser-1' });
    const { page, errors } = await openPage(t, browser);
    await page.goto(`${node.url}/session?sessionId=browser-1`);
    await ready(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    t.is(await page.textContent('#session-status'), 'RUNNING');
    await page.waitForFunction(() => document.querySelector('#running')?.textContent === '1', undefined, { timeout: 20_000 });
    // The failing branch: two drops in ERROR, listed first with the app's stderr.
    await page.waitForFunction(() => document.querySelector('#counts tr[data-state="ERROR"] td')?.textContent === '2', undefined, { timeout: 20_000 });
    await page.waitForSelector('#failed li[data-oid="fail"] pre');
    t.regex((await page.textContent('#failed li[data-oid="fail"] pre'))!, /stderr: about to fail/);
    t.is(await page.getAttribute('#failed li[data-oid="fail"] a:has-text("log")', 'href'), '/sessions/browser-1/graph/drop/fail');
    const outline = await page.evaluate(() => (window as unknown as { dlg: { outline: { groups: { key: string }[] } } }).dlg.outline.groups.map((g) => g.key));
    await page.locator(`#groups tr[data-group="${outline.indexOf('work')}"] button`).click();
    await page.waitForFunction((w) => (window as unknown as { dlg: { view: { stats(): Stats } } }).dlg.view.stats().dropNodes === w, width);
    await page.screenshot({ path: join(screenshots, 'session-running.png') });

    writeFileSync(join((await node.client.sessionDir('browser-1')).dir, 'go'), '');
    await page.waitForFunction(() => document.querySelector('#session-status')?.textContent === 'FAILED', undefined, { timeout: 20_000 });
    // gate, the work apps and their results; `gated` was consumed by all and has EXPIRED.
    t.is(await page.textContent('#counts tr[data-state="COMPLETED"] td'), String(2 * width + 1));
    t.is(await page.textContent('#counts tr[data-state="EXPIRED"] td'), '1');
    t.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'same page: no reload');
    t.true(await page.evaluate(() => (window as unknown as { dlg: { polls: number } }).dlg.polls) >= 1);
    const colours = await page.evaluate(() => (window as unknown as { dlg: { view: { cy: { nodes(s: string): { map<T>(f: (n: { data(k: string): string }) => T): T[] } } } } }).dlg.view.cy.nodes('.drop').map((n) => n.data('c')));
    t.deepEqual([...new Set(colours)], ['#22a155'], 'the expanded drops turned COMPLETED green');
    await page.screenshot({ path: join(screenshots, 'session-finished.png') });
    t.deepEqual(errors, []);
  });
}
