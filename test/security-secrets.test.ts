/**
 * No secrets in the repository: every git-tracked file is scanned for private keys (PEM blocks, JWKs
 * with a private `d`), AWS access keys, long random-looking values assigned to names like secret,
 * password or token outside tests, and committed .env files. Documented placeholders (`<private>`,
 * `change-me…`, empty values) are allowed in .env.example files. Failures name file:line.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DASHES, scan } from "./lib/secrets.js";

const ROOT = resolve(import.meta.dirname, "..");

function readText(file: string): string | null {
  const path = resolve(ROOT, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return null; // deleted in the working tree
  }
  if (size > 2 * 1024 * 1024) return null;
  const buf = readFileSync(path);
  if (buf.subarray(0, 8000).includes(0)) return null; // binary
  return buf.toString("utf8");
}

describe("no secrets in the repository", () => {
  it("finds no private key, cloud key, random-looking secret or .env file in the tracked files", () => {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const findings = scan(files, readText);
    expect(findings, findings.map((f) => `${f.at}  ${f.rule}: ${f.text}`).join("\n")).toEqual([]);
  });

  it("catches what it is for, and lets the documented placeholders through", () => {
    const pem = `${DASHES}BEGIN RSA PRIVATE KEY${DASHES}`;
    const files: Record<string, string> = {
      "keys/server.pem": `${pem}\nMIIEow\n`,
      "src/jwk.json": `{"kty":"OKP","crv":"Ed25519","x":"abc","d":"${"nWGxne_9WmC6hEr0"}kuwsxERJxWl7MmkZcDusAxyuf2A"}`,
      "src/aws.ts": `const id = "${["AK", "IA"].join("")}IOSFODNN7EXAMPLE";`,
      "src/config.ts":
        'const apiToken = "q8Zf3kL0vXw9TbR2mN7yHc4sJ6dPaE1u";\nconst password = "correct horse";',
      "deploy/app.yml": "  DB_PASSWORD: Zq81xLm0Pw93KbTr27Yh4cVs6\n",
      ".env": "A=1\n",
      "services/x/.env.production": "A=1\n",
      "services/x/.env.example":
        'AUTH_PRIVATE_JWK={"kty":"OKP","d":"<private>"}\nSERVICE_SECRET=change-me-change-me-change-me-change-me\nADMIN_PASSWORD=<a strong password>\nSMTP_PASSWORD=\n',
      "services/x/src/a.test.ts": 'const token = "q8Zf3kL0vXw9TbR2mN7yHc4sJ6dPaE1u";',
      "src/ok.ts":
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an interpolation placeholder is the point
        'const passwordField = document.querySelector("input");\nconst token = process.env.TOKEN;\nconst secretRef = "${SECRET_NAME}";',
    };
    const found = scan(Object.keys(files), (f) => files[f] ?? null);
    const at = found.map((f) => f.at.split(":")[0]);
    expect(new Set(at)).toEqual(
      new Set([
        "keys/server.pem",
        "src/jwk.json",
        "src/aws.ts",
        "src/config.ts",
        "deploy/app.yml",
        ".env",
        "services/x/.env.production",
      ]),
    );
    expect(found.find((f) => f.at.startsWith("src/config.ts"))?.at).toBe("src/config.ts:1");
  });
});
