/*
 * Laid out as @grafana/create-plugin lays out a data source plugin's build: one AMD entry module.js,
 * Grafana's shared libraries left external (Grafana provides them at run time), plugin.json, README
 * and images copied beside it, %VERSION% and %TODAY% filled in.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'node:path';
import type { Configuration } from 'webpack';

import { DIST_DIR, SOURCE_DIR } from './constants.js';
import { getPackageJson, getPluginJson, hasReadme } from './utils.js';

const pluginJson = getPluginJson();

/** Libraries that Grafana shares with plugins; bundling a second copy would break React and theming. */
const EXTERNALS = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'rxjs/operators',
  'react-router',
  'react-router-dom',
  'd3',
  'angular',
  '@grafana/ui',
  '@grafana/runtime',
  '@grafana/data',
];

function fillPlaceholders(content: Buffer): string {
  return content
    .toString()
    .replace(/%VERSION%/g, getPackageJson().version)
    .replace(/%TODAY%/g, new Date().toISOString().substring(0, 10))
    .replace(/%PLUGIN_ID%/g, pluginJson.id);
}

const config = (env: Record<string, unknown>): Configuration => ({
  context: path.join(process.cwd(), SOURCE_DIR),
  devtool: env.production ? 'source-map' : 'eval-source-map',
  entry: { module: './module.ts' },
  externals: EXTERNALS,
  mode: env.production ? 'production' : 'development',
  module: {
    rules: [
      {
        exclude: /node_modules/,
        test: /\.[tj]sx?$/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              target: 'es2018',
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'automatic' } },
            },
          },
        },
      },
      {
        test: /\.(png|jpe?g|gif|svg)$/,
        type: 'asset/resource',
        generator: { publicPath: `public/plugins/${pluginJson.id}/img/`, outputPath: 'img/', filename: '[name][ext]' },
      },
    ],
  },
  output: {
    clean: true,
    filename: '[name].js',
    library: { type: 'amd' },
    path: path.resolve(process.cwd(), DIST_DIR),
    publicPath: `public/plugins/${pluginJson.id}/`,
    uniqueName: pluginJson.id,
  },
  plugins: [
    new CopyWebpackPlugin({
      patterns: [
        { from: hasReadme() ? 'README.md' : '../README.md', to: '.', force: true, transform: fillPlaceholders },
        { from: 'plugin.json', to: '.', transform: fillPlaceholders },
        { from: '../LICENSE', to: '.', noErrorOnMissing: true },
        { from: '../CHANGELOG.md', to: '.', force: true, noErrorOnMissing: true },
        { from: 'img/**/*', to: '.', noErrorOnMissing: true },
      ],
    }),
  ],
  resolve: {
    extensions: ['.js', '.jsx', '.ts', '.tsx'],
    // Source files import each other as './x.js' (ES module style); the file on disk is x.ts or x.tsx.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    modules: [path.resolve(process.cwd(), SOURCE_DIR), 'node_modules'],
  },
});

export default config;
