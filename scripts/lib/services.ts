/**
 * The processes `npm start` runs. Each service has its own Postgres schema and role, a base port
 * (instance i listens on basePort + i) and a main module. The gateway is listed last: it needs the
 * others' instance lists.
 */
export type ServiceSpec = {
  name: string;
  dir: string;
  schema?: string;
  basePort: number;
  /** Whether the gateway proxies `/api/<name>/…` to it. */
  public: boolean;
  /** Postgres extensions created (by the admin connection) in its schema before its migrations. */
  extensions?: string[];
};

export const SERVICES: ServiceSpec[] = [
  { name: "users", dir: "services/users", schema: "users", basePort: 4100, public: true },
  {
    name: "notification",
    dir: "services/notification",
    schema: "notification",
    basePort: 4200,
    public: true,
  },
  {
    name: "catalog",
    dir: "services/catalog",
    schema: "catalog",
    basePort: 4300,
    public: true,
    extensions: ["pg_trgm"],
  },
  { name: "auction", dir: "services/auction", schema: "auction", basePort: 4400, public: true },
  { name: "history", dir: "services/history", schema: "history", basePort: 4500, public: true },
  { name: "bank", dir: "services/bank", schema: "bank", basePort: 4600, public: true },
  { name: "payment", dir: "services/payment", schema: "payment", basePort: 4700, public: true },
];

export const GATEWAY: ServiceSpec = { name: "gateway", dir: "apps/gateway", basePort: 8080, public: false };

/** The database role of a service: `arte_<schema>`. */
export const roleOf = (schema: string) => `arte_${schema}`;
