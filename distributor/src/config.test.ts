import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3100, HOST: '127.0.0.1', QUERY_TIMEOUT_MS: 30000, TRUST_USER_HEADER: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad setting and what it expects, without echoing secrets', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', QUERY_TIMEOUT_MS: '-5', ROUTE_KEY: 'short-secret', TRUST_USER_HEADER: 'maybe' });
    expect(attempt).toThrow(/PORT: .*number/);
    expect(attempt).toThrow(/QUERY_TIMEOUT_MS/);
    expect(attempt).toThrow(/ROUTE_KEY: must be at least 24 characters/);
    expect(attempt).toThrow(/TRUST_USER_HEADER/);
    expect(attempt).not.toThrow(/short-secret/);
  });

  it('reads a YAML file, with the environment taking precedence', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'orgscope-config-'));
    const file = path.join(dir, 'orgscope.yaml');
    writeFileSync(file, 'PORT: 4000\nQUERY_MAX_ROWS: 500\n');
    expect(loadConfig({ ORGSCOPE_CONFIG_FILE: file, PORT: '4100' })).toMatchObject({ PORT: 4100, QUERY_MAX_ROWS: 500 });
  });

  it('refuses a config file it cannot read or that is not a mapping', () => {
    expect(() => loadConfig({ ORGSCOPE_CONFIG_FILE: '/nonexistent/orgscope.yaml' })).toThrow(/cannot be read/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'orgscope-config-'));
    const file = path.join(dir, 'list.yaml');
    writeFileSync(file, '- PORT\n');
    expect(() => loadConfig({ ORGSCOPE_CONFIG_FILE: file })).toThrow(/must be a YAML mapping/);
  });
});
