export { generateDemoData, type DemoOptions, type DemoSummary } from './generate.js';
export { DEMO_SETTINGS_FILE, loadDemoSettings, parseDemoSettings, type DemoSettings } from './settings.js';
