/**
 * Builds each service's entry (`src/main.ts`) into one ES module for plain `node`: the code of the
 * workspace packages (`@arte/*`) is bundled in, every npm dependency stays an import resolved from
 * node_modules. Running the built file instead of the TypeScript source through tsx saves each process
 * the compiler hook (about 30 MiB of resident memory) and its start-up work. Source maps keep stack
 * traces pointing at the TypeScript.
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build, type Plugin } from "esbuild";

/** Bundle `@arte/*` (workspace code); leave every other bare import (npm packages, node:*) to node. */
const externalDependencies: Plugin = {
  name: "external-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@arte/") ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Builds `entries` (name → absolute path of a .ts entry) into `outDir/<name>.mjs`; returns name → file.
 * `outDir` must lie inside the repository, so that the built files resolve node_modules as the sources do.
 */
export async function buildEntries(
  entries: Record<string, string>,
  outDir: string,
): Promise<Record<string, string>> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const out: Record<string, string> = {};
  await Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      const outfile = resolve(outDir, `${name}.mjs`);
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        sourcemap: "linked",
        logLevel: "error",
        plugins: [externalDependencies],
      });
      out[name] = outfile;
    }),
  );
  return out;
}
