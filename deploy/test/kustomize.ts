/**
 * A small, offline stand-in for `kubectl kustomize`, enough for deploy/k8s (no kustomize binary here).
 * It supports exactly what our kustomizations use, and throws on anything else so a new feature is not
 * silently ignored:
 *   - `resources`: YAML files (multi-document) and directories holding a kustomization.yaml;
 *   - `namespace`: set on every namespaced object;
 *   - `images`: `name` → `newName`/`newTag` on every container image of that name;
 *   - `replicas`: `spec.replicas` of the named Deployment/StatefulSet;
 *   - `patches` with `path` (strategic-merge patches addressed by kind and metadata.name):
 *       maps merge recursively; a list whose items all have a `name` merges item by item on `name`
 *       (containers, env, volumes, ports …); any other list is replaced; `$patch: delete` on a
 *       document deletes the object.
 * Real kustomize merges a few lists on other keys (ports on containerPort, volumeMounts on mountPath);
 * our patches do not touch those.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

const SUPPORTED = new Set(["apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"]);
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "StorageClass",
  "PersistentVolume",
]);

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses every document of a YAML file (merge keys off, as Kubernetes reads them); fails on errors. */
export function readYamlDocs(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, "utf8"), { prettyErrors: true });
  return docs
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: Json = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? strategicMerge(base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (l: unknown[]) => l.every((i) => isMap(i) && typeof i.name === "string");
    if (!named(base) || !named(patch)) return patch;
    const out = base.map((i) => ({ ...(i as Json) }));
    for (const p of patch as Json[]) {
      const at = out.findIndex((i) => i.name === p.name);
      if (at >= 0) out[at] = strategicMerge(out[at], p) as Json;
      else out.push(p);
    }
    return out;
  }
  return patch;
}

function imagesOf(obj: Json): Json[] {
  const spec = (obj.spec as Json | undefined)?.template as Json | undefined;
  const pod = spec?.spec as Json | undefined;
  return [...((pod?.containers as Json[]) ?? []), ...((pod?.initContainers as Json[]) ?? [])];
}

export function render(dir: string): K8sObject[] {
  const kfile = join(dir, "kustomization.yaml");
  const k = readYamlDocs(kfile)[0] as Json;
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key)) throw new Error(`${kfile}: "${key}" is not supported`);
  let objects: K8sObject[] = [];
  for (const r of (k.resources as string[]) ?? []) {
    const path = resolve(dir, r);
    if (statSync(path).isDirectory()) objects.push(...render(path));
    else objects.push(...(readYamlDocs(path) as K8sObject[]));
  }
  for (const p of (k.patches as { path?: string; target?: unknown }[]) ?? []) {
    if (!p.path || p.target)
      throw new Error(`${kfile}: only patches with a path (strategic merge) are supported`);
    for (const patch of readYamlDocs(resolve(dir, p.path)) as (K8sObject & { $patch?: string })[]) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${p.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      if (patch.$patch === "delete") objects.splice(at, 1);
      else objects[at] = strategicMerge(objects[at], patch) as K8sObject;
    }
  }
  for (const img of (k.images as { name: string; newName?: string; newTag?: string }[]) ?? []) {
    for (const o of objects)
      for (const c of imagesOf(o)) {
        const [name, tag] = String(c.image).split(":");
        if (name !== img.name) continue;
        c.image = `${img.newName ?? name}:${img.newTag ?? tag ?? "latest"}`;
      }
  }
  for (const r of (k.replicas as { name: string; count: number }[]) ?? []) {
    const o = objects.find(
      (x) => ["Deployment", "StatefulSet"].includes(x.kind) && x.metadata.name === r.name,
    );
    if (!o) throw new Error(`${kfile}: replicas for unknown ${r.name}`);
    (o.spec as Json).replicas = r.count;
  }
  if (typeof k.namespace === "string")
    objects = objects.map((o) =>
      CLUSTER_SCOPED.has(o.kind)
        ? o
        : { ...o, metadata: { ...o.metadata, namespace: k.namespace as string } },
    );
  return objects;
}
