# syntax=docker/dockerfile:1
#
# Arte Moderni: one image for every process of the platform.
#
#   docker build -t arte-moderni .
#   docker run -e SERVICE=auction arte-moderni       # or: docker run arte-moderni auction
#   docker run arte-moderni setup                    # schemas, roles, migrations, streams (deploy/setup.ts)
#
# Processes: users notification catalog auction history bank payment gateway, plus `setup` and
# `migrate` (see deploy/docker/entrypoint.ts). Services listen on 3000, the gateway on 8080.
#
# TypeScript runs as is with tsx (`node --import tsx`), as under `npm start`: there is no compile step.
# tsx is a root devDependency, so the runtime layer installs production dependencies only
# (`npm ci --omit=dev`) and then adds tsx at the version package.json pins (`npm install --no-save`);
# moving tsx to `dependencies` would make that second command unnecessary.
# The base image is pinned by version; pin it by digest too (node:20.20.2-bookworm-slim@sha256:…) in
# the release pipeline, where the registry can be asked for it.

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# Only the package manifests: the dependency layers below are rebuilt when a manifest changes, not on
# every source change.
FROM base AS manifests
COPY . /src
RUN mkdir /out \
 && cd /src \
 && cp package.json package-lock.json .npmrc /out/ \
 && find packages services apps -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# Every dependency (dev included), to build the web app. No install scripts run (none is needed).
FROM base AS build
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY . .
RUN if [ -f apps/web/vite.config.ts ]; then npm run build -w @arte/web; fi \
 && mkdir -p apps/web/dist apps/web/public

# Production dependencies of the server workspaces only (not the web app's), plus tsx.
FROM base AS prod-deps
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts -w packages -w services -w apps/gateway \
 && npm install --no-save --omit=dev --ignore-scripts -w packages -w services -w apps/gateway \
      --include-workspace-root "tsx@$(node -p 'require("./package.json").devDependencies.tsx')" \
 && npm cache clean --force

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    BLOB_DIR=/data/blobs
# Sources and dependencies belong to root and are read-only for the service user.
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY apps/gateway ./apps/gateway
COPY scripts ./scripts
COPY deploy/services.ts deploy/setup.ts ./deploy/
COPY deploy/docker/entrypoint.ts ./deploy/docker/
COPY --from=prod-deps /app/ ./
COPY --from=build /app/apps/web/public ./apps/web/public
COPY --from=build /app/apps/web/dist ./apps/web/dist
# The only writable place: the catalog's image directory (BLOB_DRIVER=fs); /tmp holds tsx's cache.
RUN mkdir -p /data/blobs && chown 1000:1000 /data/blobs
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.PORT||(process.env.SERVICE==='gateway'?8080:3000);fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx", "deploy/docker/entrypoint.ts"]
