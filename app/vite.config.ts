import { defineConfig } from "vitest/config";

// React's JSX is compiled by Vite's own esbuild (tsconfig "jsx": "react-jsx"): no React plugin needed.
export default defineConfig({
  // A relative base: the static site of `npm run app:build` works from any path (IPFS, a sub-folder).
  base: "./",
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { host: "127.0.0.1", strictPort: true },
  preview: { host: "127.0.0.1", strictPort: true },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
