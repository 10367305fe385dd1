/**
 * Prints a fresh set of deployment secrets as env lines, for docker compose's `.env` or for
 * `kubectl create secret generic arte-secrets --from-env-file=<file>` (values are unquoted JSON, which
 * both read literally). Nothing is written to disk; keep the output in your secret store, never in git.
 *
 *   npx tsx deploy/secrets.ts > .env            # compose (then add the non-secret settings)
 *   npx tsx deploy/secrets.ts --k8s > arte.env  # Kubernetes: adds each service's own SERVICE_SECRET_<NAME>
 */
import { randomBytes } from "node:crypto";
import { generateSigningKey } from "@arte/platform";
import { SERVICES } from "./services.js";

const k8s = process.argv.includes("--k8s");
const key = await generateSigningKey();
const secret = () => randomBytes(32).toString("base64url");
const secrets = Object.fromEntries(SERVICES.map((s) => [s.name, secret()]));
const lines = [
  `AUTH_PRIVATE_JWK=${JSON.stringify(key.privateJwk)}`,
  `AUTH_JWKS=${JSON.stringify(key.jwks)}`,
  `SERVICE_SECRETS=${JSON.stringify(secrets)}`,
  `ADMIN_PASSWORD=Admin-${randomBytes(12).toString("base64url")}1`,
];
if (k8s) {
  for (const s of SERVICES) lines.push(`SERVICE_SECRET_${s.name.toUpperCase()}=${secrets[s.name]}`);
  lines.push(
    `RPC_CALLERS=${JSON.stringify(Object.fromEntries(Object.entries(secrets).filter(([n]) => n !== "bank")))}`,
  );
  const passwords = Object.fromEntries(SERVICES.map((s) => [s.name, secret()]));
  lines.push(`DATABASE_ROLE_PASSWORDS=${JSON.stringify(passwords)}`);
  for (const s of SERVICES)
    lines.push(
      `DATABASE_URL_${s.name.toUpperCase()}=postgres://arte_${s.schema}:${passwords[s.name]}@postgres:5432/arte`,
    );
}
process.stdout.write(`${lines.join("\n")}\n`);
