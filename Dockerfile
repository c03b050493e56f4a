# syntax=docker/dockerfile:1
# One image for every gateway service; the argument (or SERVICE) chooses what runs:
#   docker build -t webhook-gateway .
#   docker run -e KAFKA_BROKERS=... -e DATABASE_URL=... -p 8083:8083 webhook-gateway dispatcher
#   docker run ... webhook-gateway migrate            (also: provision-topics)
# Build once with --build-arg SERVICE=ingress to bake a default into the image.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing the runtime needs builds native code.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
COPY deploy/docker/tsconfig.image.json ./deploy/docker/tsconfig.image.json
# The web console (apps/console) is a static build the api serves from dist/console.
RUN npx tsc -p deploy/docker/tsconfig.image.json \
  && npx vite build --config apps/console/vite.config.mjs --logLevel warn \
  && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    APP_HOME=/app
WORKDIR /app
# Root-owned and read-only for the runtime user; the containers run with a read-only root filesystem.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json tsconfig.base.json ./
COPY tools/register.js ./tools/register.js
COPY deploy/docker/entrypoint.sh /usr/local/bin/gateway
ARG SERVICE=""
ENV SERVICE=${SERVICE}
# The node user of the base image (uid 1000), never root.
USER 1000:1000
EXPOSE 8080 8081 8082 8083 8084
ENTRYPOINT ["/usr/local/bin/gateway"]
