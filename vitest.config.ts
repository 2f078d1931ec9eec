import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql module for ESM and CJS importers (the gateway and subgraphs share it).
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
