// Runs on `npm install` / `npm ci`: builds the web UI so `npm start` serves it with no extra step.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (process.env.JIANBANG_SKIP_WEB_BUILD === '1' || !existsSync('web/index.html')) process.exit(0);
const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
