/**
 * The container image's entry point: runs one process of the platform, chosen by the first argument
 * or `SERVICE`, in this Node process (so SIGTERM reaches the service's own graceful shutdown).
 *
 *   docker run arte-moderni auction         # or -e SERVICE=auction
 *   docker run arte-moderni gateway
 *   docker run arte-moderni setup           # deploy/setup.ts: schemas, roles, migrations, streams
 *   docker run arte-moderni migrate         # scripts/migrate.ts, the launcher's (passwordless roles)
 *
 * Like the launcher (scripts/start.ts), it fills in what a service needs from deployment-wide values:
 *   - SERVICE_SECRET from the `SERVICE_SECRETS` JSON map (service → secret) when not set itself;
 *   - the bank's RPC_CALLERS (every other service's secret) from the same map when not set itself;
 *   - HOST 0.0.0.0 and the container port (3000, the gateway 8080) when not set.
 * SERVICE_SECRETS and AUTH_PRIVATE_JWK (outside the user service) are removed from the environment
 * before the service starts, so no process holds a secret that is not its own.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GATEWAY_PORT, PROCESSES, SERVICE_PORT } from "../services.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const env = process.env;
const fail = (message: string): never => {
  process.stderr.write(`[entrypoint] ${message}\n`);
  process.exit(64);
};

const name = process.argv[2] ?? env.SERVICE ?? "";
const usage = `usage: entrypoint <${[...PROCESSES.map((p) => p.name), "setup", "migrate"].join("|")}> (or SERVICE=<name>)`;

/** The environment a service process gets, derived as the launcher derives it. Exported for tests. */
export function serviceEnv(service: string, input: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...input };
  if (input.SERVICE_SECRETS) {
    let secrets: Record<string, string>;
    try {
      secrets = JSON.parse(input.SERVICE_SECRETS) as Record<string, string>;
    } catch {
      throw new Error("SERVICE_SECRETS must be a JSON object of service name → secret");
    }
    if (!out.SERVICE_SECRET && secrets[service]) out.SERVICE_SECRET = secrets[service];
    if (service === "bank" && !out.RPC_CALLERS)
      out.RPC_CALLERS = JSON.stringify(
        Object.fromEntries(Object.entries(secrets).filter(([n]) => n !== "bank")),
      );
  }
  delete out.SERVICE_SECRETS;
  if (service !== "users") delete out.AUTH_PRIVATE_JWK;
  out.HOST ??= "0.0.0.0";
  out.PORT ??= String(service === "gateway" ? GATEWAY_PORT : SERVICE_PORT);
  return out;
}

async function main() {
  if (!name || name === "--help" || name === "-h") fail(usage);
  if (name === "setup") {
    await import(pathToFileURL(resolve(ROOT, "deploy/setup.ts")).href);
    return;
  }
  if (name === "migrate") {
    await import(pathToFileURL(resolve(ROOT, "scripts/migrate.ts")).href);
    return;
  }
  const spec = PROCESSES.find((p) => p.name === name);
  if (!spec) return fail(`unknown service "${name}"; ${usage}`);
  const main = resolve(ROOT, spec.dir, "src/main.ts");
  if (!existsSync(main))
    return fail(`${spec.dir}/src/main.ts is not in this image (is the service built yet?)`);
  const derived = serviceEnv(name, env);
  for (const key of Object.keys(env)) if (!(key in derived)) delete env[key];
  Object.assign(env, derived);
  await import(pathToFileURL(main).href);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[entrypoint] ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
