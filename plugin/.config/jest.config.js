// The plugin's jest project, as the plugin scaffold sets it up: jsdom, swc, React Testing Library.
// Source and tests compile to CommonJS here so that jest.mock() calls are hoisted as usual.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2020',
    },
    module: { type: 'commonjs' },
  },
];

/** Packages that ship only ES modules and must be compiled for jest's CommonJS runtime. */
const ESM_PACKAGES = [
  'ol',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'delaunator',
  'robust-predicates',
  'marked',
  'ua-parser-js',
];

export function pluginJestProject(rootDir) {
  return {
    displayName: 'plugin',
    rootDir,
    testEnvironment: 'jest-environment-jsdom',
    testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
    setupFilesAfterEnv: ['<rootDir>/.config/jest-setup.ts'],
    moduleNameMapper: {
      '\\.(css|scss|sass)$': 'identity-obj-proxy',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.(t|j)sx?$': swc,
      '^.+\\.mjs$': swc,
    },
    transformIgnorePatterns: [`node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  };
}
