import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// The app is built into the API's web root, which the API serves (API.md "The web app"); `npm run dev` proxies the
// API's prefixes to a `make run` stack, so the dev server behaves like the API serving the build.
const api = process.env.CUMIN_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "../Cumin.Api/wwwroot",
    emptyOutDir: true,
    target: "es2022",
    // No inline polyfill script: the API's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": api,
      "/auth": api,
      "/hubs": { target: api, ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
