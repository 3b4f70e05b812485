import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { DEMO_SETTINGS_FILE, loadDemoSettings, parseDemoSettings } from './settings.js';

describe('demo settings', () => {
  it('reads the shipped file', () => {
    const settings = loadDemoSettings(DEMO_SETTINGS_FILE);
    expect(settings.channels.map((c) => c.name)).toEqual(['store', 'tmall', 'jd', 'douyin', 'meituan', 'own_app']);
    expect(settings.contacts.share).toBeCloseTo(0.4);
  });

  it('names each problem of a bad file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-demo-settings-'));
    const file = path.join(dir, 'demo.yaml');
    const settings = loadDemoSettings();
    const bad = {
      ...settings,
      months: 0,
      audits: { ...settings.audits, scenarios: [{ name: 'visit', share: 1, channel: 'fax' }] },
    };
    await writeFile(file, JSON.stringify(bad));
    expect(() => loadDemoSettings(file)).toThrow(/months: .*; audits\.scenarios\.0\.channel: unknown channel fax/);
  });

  it('says which file cannot be read', () => {
    expect(() => loadDemoSettings('/nonexistent/demo.yaml')).toThrow(/\/nonexistent\/demo\.yaml cannot be read/);
  });

  it('refuses a key it does not know', () => {
    expect(() => parseDemoSettings({ ...loadDemoSettings(), sedd: 1 })).toThrow(/sedd/);
  });
});
