import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { DIST_DIR, SOURCE_DIR } from './constants.js';

export interface PluginJson {
  id: string;
  type: string;
  info: { version: string };
}

export function getPackageJson(): { name: string; version: string } {
  return JSON.parse(readFileSync(path.resolve(process.cwd(), 'package.json'), 'utf8'));
}

export function getPluginJson(): PluginJson {
  return JSON.parse(readFileSync(path.resolve(process.cwd(), SOURCE_DIR, 'plugin.json'), 'utf8'));
}

export function hasReadme(): boolean {
  return existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

/** The folder Grafana loads (dist/) is named after the plugin id inside the zip, as Grafana installs it. */
export function zipName(): string {
  return `${getPluginJson().id}-${getPackageJson().version}.zip`;
}

export const distDir = () => path.resolve(process.cwd(), DIST_DIR);
