# syntax=docker/dockerfile:1
#
# m365-health container image. Node 24 runs the TypeScript sources directly (type stripping), so there is no
# compile step: the build stage only installs the production dependencies that package-lock.json pins.
#
#   docker build -t m365-health:0.1.0 .
#   docker run --rm -v ./agent.yaml:/etc/m365-health/config.yaml:ro -e CONTOSO_CLIENT_SECRET m365-health:0.1.0
#
# The Node version is the one package.json pins for development and tests (devDependency "node").
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out the npm copy of Node (the base image has Node 24), TypeScript and the test libraries;
# no production dependency needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
# /etc/m365-health: the configuration (read-only for the agent). /var/lib/m365-health: per-tenant state, owned by
# the unprivileged "node" user (uid 1000) of the base image.
RUN mkdir -p /etc/m365-health /var/lib/m365-health && chown node:node /var/lib/m365-health
USER node
VOLUME ["/etc/m365-health", "/var/lib/m365-health"]
# The agent's HTTP endpoint (/healthz, /readyz, /status) when the config has `server: { listen: ... }`.
EXPOSE 13133
# Needs `server: { listen: 127.0.0.1:13133 }` (or 0.0.0.0:13133) in the config; without it the container is
# reported unhealthy although the agent runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:13133/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Client secrets come from the environment (${env:NAME} in the config) or from mounted files (${file:PATH}).
ENTRYPOINT ["node", "/app/bin/m365-health.js"]
CMD ["run", "--config", "/etc/m365-health/config.yaml"]
