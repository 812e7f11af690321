// Headless Debian Chromium driven by playwright-core. Never downloads a browser: it uses
// /usr/bin/chromium (installed by .ci/run with apt-get when missing).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run',
  // WebGL without a GPU: Chromium renders it with SwiftShader, which it only allows when asked.
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export function chromiumAvailable() {
  return existsSync(CHROMIUM);
}

/** A page with every console error and page error collected in `errors`. */
export async function openPage(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { browser, page, errors };
}
