# idp-gateway on Node 20 (slim Debian). TypeScript runs through tsx, exactly as `npm start` does.
FROM node:20-slim

ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /app

# Dependencies first (a cached layer). `postinstall` runs `prisma generate` (the Prisma CLI is a
# dev dependency; it needs the schema and prisma.config.ts, and works offline with the JS engine),
# which writes the client to src/generated/. Dev dependencies are dropped afterwards.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --include=dev \
 && npm prune --omit=dev --ignore-scripts \
 && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY views ./views
COPY bin ./bin

# An unprivileged user. /app/data holds the embedded database only when DATABASE_URL is unset
# (development); /app/certs receives `idp keys export`.
RUN mkdir -p /app/data /app/certs && chown node:node /app/data /app/certs
USER node

# Memory: two malloc arenas instead of one per thread (argon2 runs on the libuv pool). The young
# generation is sized for throughput (64 MB semi-spaces, V8's default is 16): fewer scavenges
# under load for ~100 MB more RSS while busy; an idle instance settles to the same ~150 MB either
# way once V8 shrinks the young generation (README "Operations").
ENV NODE_ENV=production \
    PORT=4000 \
    MALLOC_ARENA_MAX=2
EXPOSE 4000

# node itself is PID 1's child-free main process: `docker stop` sends SIGTERM straight to it and
# the gateway drains in-flight requests (IDP_SHUTDOWN_TIMEOUT) before exiting. With IDP_WORKERS > 1
# node is the cluster primary instead: it forwards SIGTERM to its workers and exits after them.
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "src/main.ts"]
