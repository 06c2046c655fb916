// Debian's chromium, and the flags every headless run here needs (no sandbox as root, no GPU, no
// network chatter: Playwright's own browser download and Google's services are not reachable).
// Shared by the Playwright config, the screenshot script and the Lighthouse run.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
