/**
 * The secret scanner of test/security-secrets.test.ts: private keys (PEM blocks, JWKs with a private
 * `d`), AWS keys, random-looking values assigned to secret-ish names outside tests, committed .env files.
 */
import { basename } from "node:path";

// Patterns are assembled from pieces so that this file does not match itself.
export const DASHES = "-".repeat(5);
const PEM_PRIVATE = new RegExp(`${DASHES}BEGIN ([A-Z0-9]+ )*PRIVATE KEY${DASHES}`);
const JWK_PRIVATE_D = /["']?\bd["']?\s*:\s*["']([A-Za-z0-9_-]{20,})["']/;
const AWS_ACCESS_KEY = new RegExp(`\\b(${["AK", "IA"].join("")}|${["AS", "IA"].join("")})[0-9A-Z]{16}\\b`);
const AWS_SECRET = /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i;
const SECRET_NAME =
  "[A-Za-z0-9_.-]*(?:secret|password|passwd|pwd|token|api[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_]*";
/** `name = "value"`, `name: 'value'`, `"name": "value"` and unquoted `NAME=value` (env, shell, yaml). */
const ASSIGNED = new RegExp(
  `(?:^|[\\s{,(])["']?(${SECRET_NAME})["']?\\s*(?:=|:)\\s*(?:"([^"\\n]*)"|'([^'\\n]*)'|\`([^\`\\n]*)\`|([^\\s"'\`,;)}]+))`,
  "gi",
);

/** Values that are obviously not a secret: placeholders, references, code. */
function isPlaceholder(value: string): boolean {
  return (
    value.length < 20 ||
    /\s/.test(value) ||
    /^<.*>$/.test(value) ||
    /\$\{|\$\(|process\.env|\benv\b|^\$[A-Z_]/.test(value) ||
    /change[-_]?me|example|placeholder|your[-_]|dummy|redacted|x{6,}|\*{4,}|^(.)\1+$/i.test(value) ||
    // identifiers, paths and URLs without credentials are not secrets
    /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+$/.test(value) ||
    /^(https?|postgres|redis|nats|smtp):\/\/[^@]*$/.test(value) ||
    /^[./~]/.test(value)
  );
}

/** Bits per character: random base64 is near 6, English and identifiers well under 4.5. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const looksRandom = (v: string) => v.length >= 20 && entropy(v) >= 4 && /[0-9]/.test(v) && /[A-Za-z]/.test(v);

const TEST_FILE = /(\.test\.ts$|(^|\/)(test|tests|e2e|__tests__|fixtures?)\/)/;
const ENV_FILE = /^\.env(\..+)?$/;
const ENV_EXAMPLE = /^(\.env\.example|\.env\.sample|\.env\.template|.*\.env\.example)$/;

type Finding = { at: string; rule: string; text: string };

export function scan(files: string[], read: (f: string) => string | null): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const name = basename(file);
    if (ENV_FILE.test(name) && !ENV_EXAMPLE.test(name))
      findings.push({ at: `${file}:1`, rule: "committed .env file", text: name });
    const text = read(file);
    if (text === null) continue;
    const isTest = TEST_FILE.test(file);
    const isExample = ENV_EXAMPLE.test(name);
    const hasJwk = /["']?kty["']?\s*:/.test(text);
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      const at = `${file}:${i + 1}`;
      const shown = line.trim().slice(0, 120);
      if (PEM_PRIVATE.test(line)) findings.push({ at, rule: "private key (PEM)", text: shown });
      if (hasJwk) {
        const d = JWK_PRIVATE_D.exec(line);
        if (d && !isPlaceholder(d[1]!)) findings.push({ at, rule: "private JWK (d)", text: shown });
      }
      if (AWS_ACCESS_KEY.test(line)) findings.push({ at, rule: "AWS access key", text: shown });
      if (AWS_SECRET.test(line)) findings.push({ at, rule: "AWS secret key", text: shown });
      if (isTest) return;
      for (const m of line.matchAll(ASSIGNED)) {
        const value = m[2] ?? m[3] ?? m[4] ?? m[5] ?? "";
        if (isPlaceholder(value) || !looksRandom(value)) continue;
        findings.push({
          at,
          rule: isExample ? "real-looking value in an example file" : `random-looking value for ${m[1]}`,
          text: shown,
        });
      }
    });
  }
  return findings;
}
