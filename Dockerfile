# paperchat: the HTTP server (default command) or the ingest worker (`npm run ingest`).
# Built from the repository root: docker build -t paperchat .  (see docs/deployment.md)

# hnswlib-node compiles a native addon on install, which needs a compiler the runtime image does not.
FROM node:20-slim AS dependencies
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim
WORKDIR /app
# GLIBC_TUNABLES: malloc backs its large blocks with transparent huge pages (where the host's
# THP mode is "madvise" or "always"). hnswlib reads a graph into one block the size of its file,
# and faulting that in 4 KiB at a time was about half of a large index's load CPU (docs/performance.md).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    EMBEDDINGS=use \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY prompts ./prompts
COPY seeds ./seeds
COPY scripts/start.mjs ./scripts/start.mjs
# src/ prebuilt into dist/ at image build (what `npm start` does on a changed checkout).
RUN node scripts/start.mjs --build-only
# The image's own non-root user (uid 1000) owns only what the server writes.
RUN mkdir -p /data /app/seeds/uploads && chown -R node:node /data /app/seeds/uploads
USER node
EXPOSE 3000
# Ready = the full index is live (/api/ready is 503 until then); liveness alone is /api/health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=300s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm start: npm does not pass SIGTERM on, and the server drains in-flight requests on it.
CMD ["node", "scripts/start.mjs"]
