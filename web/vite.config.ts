import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * Two pages, built into web/dist for the gateway to serve (gateway/web.ts): the dashboard
 * (index.html, served at / and /cities/<id>) and GraphiQL (graphiql.html, served at
 * GET /graphql for browsers). Every asset gets a content hash in its name under /assets/.
 */
export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Monaco (GraphiQL's editor) is one large chunk by design; the dashboard stays small.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: {
        dashboard: path.join(root, 'index.html'),
        explorer: path.join(root, 'graphiql.html'),
      },
      onwarn(warning, warn) {
        // React libraries mark modules "use client"; that means nothing in a plain browser bundle.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  // GraphiQL imports Monaco's workers with `?worker`, which Vite's own transform understands but
  // the dev server's dependency pre-bundling does not: leave those imports to the transform.
  optimizeDeps: {
    rolldownOptions: {
      plugins: [
        {
          name: 'leave-workers-to-vite',
          resolveId: (id: string) => (id.endsWith('?worker') ? { id, external: true } : null),
        },
      ],
    },
  },
  // `npm run dev:web`: the pages with hot reload, against a gateway started by `npm start`.
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000' } },
});
