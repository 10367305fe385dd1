import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web app. `npm run dev -w @arte/web` serves it on :5173 and proxies /api and /media to the
 * gateway (`npm start`, :8080); `npm run build -w @arte/web` writes dist/, which the gateway serves.
 */
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: gateway, changeOrigin: true, ws: true },
      "/media": { target: gateway, changeOrigin: true },
    },
  },
  // static/ is copied into dist/; public/ holds the page the gateway serves when dist/ is missing.
  publicDir: "static",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    chunkSizeWarningLimit: 600,
  },
});
