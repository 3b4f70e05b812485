import { pluginJestProject } from './.config/jest.config.js';

export default pluginJestProject(import.meta.dirname);
