// Placeholder build: copies public/ to dist/. The gateway serves dist/ (or public/ when dist/ is absent).
import { cp, rm } from "node:fs/promises";

const root = new URL("../", import.meta.url);
await rm(new URL("dist/", root), { recursive: true, force: true });
await cp(new URL("public/", root), new URL("dist/", root), { recursive: true });
console.log("apps/web: copied public/ to dist/");
