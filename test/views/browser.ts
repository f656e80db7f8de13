// Headless Debian chromium for the view tests, driven by playwright-core (no browser download:
// the system's /usr/bin/chromium). Outside CI a missing chromium skips the file with one line;
// under CI it is a failure (.ci/run installs it).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext, TestFn } from 'ava';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../service/helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const screenshots = join(repoRoot, 'test-results');

export function needsChromium(test: TestFn): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) test(`${CHROMIUM} is required under CI`, (t) => t.fail(`missing: ${CHROMIUM} (apt-get install chromium)`));
  else test.skip(`skipped: ${CHROMIUM} is missing (apt-get install chromium)`, () => {});
  return false;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile every time; closing removes it. */
export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'dlg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  mkdirSync(screenshots, { recursive: true });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page whose console errors and uncaught exceptions are collected. */
export async function openPage(t: ExecutionContext, b: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await b.context.newPage();
  t.teardown(() => page.close());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return { page, errors };
}

/** Waits for the view to say it is drawn (views/web/common.ts markReady). */
export async function ready(page: Page): Promise<number> {
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  return Number(await page.getAttribute('body', 'data-ready'));
}
