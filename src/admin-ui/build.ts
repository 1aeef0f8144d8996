// `npm run build` runs this: bundles the dashboard (main.tsx and what it imports) into <out>/app.js and app.css,
// where the built server (dist/server/dashboard.js) serves them from without bundling at start.
//
//     node --import tsx src/admin-ui/build.ts dist/admin-ui
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDashboard } from '../server/dashboard.ts';

const out = resolve(process.argv[2] ?? 'dist/admin-ui');
const { js, css } = await bundleDashboard(dirname(fileURLToPath(import.meta.url)));
await mkdir(out, { recursive: true });
await writeFile(join(out, 'app.js'), js);
await writeFile(join(out, 'app.css'), css);
console.log(`dashboard bundled into ${out}: app.js ${Math.round(js.length / 1024)} KiB, app.css ${Math.round(css.length / 1024)} KiB`);
