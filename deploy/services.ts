/**
 * What the container image, docker-compose.yml and deploy/k8s run: every process of the platform, its
 * directory, its Postgres schema (role `arte_<schema>`) and whether the gateway proxies `/api/<name>`
 * to it. test/deploy.test.ts checks this list against scripts/lib/services.ts (the launcher), the
 * services/ directories, the compose file and the Kubernetes manifests, so a new service cannot be
 * forgotten in one of them.
 */
export type DeployService = {
  name: string;
  dir: string;
  schema?: string;
  /** Whether the gateway proxies `/api/<name>/…` to it (an `UPSTREAM_<NAME>` entry). */
  public: boolean;
  /** Postgres extensions created by the admin connection in its schema before its migrations. */
  extensions?: string[];
};

export const SERVICES: DeployService[] = [
  { name: "users", dir: "services/users", schema: "users", public: true },
  { name: "notification", dir: "services/notification", schema: "notification", public: true },
  { name: "catalog", dir: "services/catalog", schema: "catalog", public: true, extensions: ["pg_trgm"] },
  { name: "auction", dir: "services/auction", schema: "auction", public: true },
  { name: "history", dir: "services/history", schema: "history", public: true },
  { name: "bank", dir: "services/bank", schema: "bank", public: true },
  { name: "payment", dir: "services/payment", schema: "payment", public: true },
];

export const GATEWAY: DeployService = { name: "gateway", dir: "apps/gateway", public: false };

/** Every process the image can run, by name. */
export const PROCESSES: DeployService[] = [...SERVICES, GATEWAY];

/** The port every service listens on inside its container (the gateway listens on 8080). */
export const SERVICE_PORT = 3000;
export const GATEWAY_PORT = 8080;

/** The database role of a service: `arte_<schema>` (ADR 0005). */
export const roleOf = (schema: string) => `arte_${schema}`;
