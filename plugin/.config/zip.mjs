// Packs dist/ as Grafana installs a plugin: a zip holding one folder named after the plugin id.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
const { id } = JSON.parse(readFileSync(path.join(root, 'dist', 'plugin.json'), 'utf8'));
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const zip = path.join(root, 'dist-zip', `${id}-${version}.zip`);

const staging = mkdtempSync(path.join(tmpdir(), 'orgscope-plugin-'));
try {
  cpSync(path.join(root, 'dist'), path.join(staging, id), { recursive: true });
  rmSync(path.dirname(zip), { recursive: true, force: true });
  execFileSync('mkdir', ['-p', path.dirname(zip)]);
  execFileSync('zip', ['-qr', zip, id], { cwd: staging });
  console.log(`packed ${path.relative(root, zip)}`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
