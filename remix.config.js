/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // Remix v2 classic compiler (esbuild). The server build is ESM and runs under server.ts.
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  serverPlatform: 'node',
  // Generated Prisma client and app code are bundled; node_modules stay external.
  serverDependenciesToBundle: [],
  watchPaths: ['./app/i18n/**/*'],
  browserNodeBuiltinsPolyfill: { modules: {} },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
};
