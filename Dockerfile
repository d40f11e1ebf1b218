# One image for the api and the worker (and the migrate job); docker-compose.yml picks the entry point.
# Node 22: MikroORM 7 needs Node >= 22.17. Debian (glibc), because @temporalio/core-bridge ships a glibc binary.
FROM node:22-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# The programs the API and the worker run (the same as scripts/setup.sh installs for `npm start`): ssh-keygen,
# named-checkzone (zones checked before commit), sievec (Sieve scripts), weasyprint (bill PDFs), xmllint (SEPA files).
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssh-client bind9-utils dovecot-sieve weasyprint libxml2-utils \
  && rm -rf /var/lib/apt/lists/*

# Dependencies first, so source edits do not reinstall them.
# `npm install`, not `npm ci`: the lockfile lacks other platforms' optional binaries (see the stack notes), and `npm ci`
# rejects it. Dev dependencies stay: @swc-node/register reads tsconfig through `typescript` at run time.
# --ignore-scripts: no dependency needs its install script here (embedded PostgreSQL is for development only).
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY tsconfig.json .swcrc ./
COPY scripts/register.js scripts/register.js
COPY src src

USER node
EXPOSE 4000
# Node itself is PID 1 (not npm), so SIGTERM from `docker stop` reaches the process that shuts down in order.
# TypeScript runs through the swc loader, which emits the decorator metadata type-graphql and MikroORM need.
CMD ["node", "--import", "./scripts/register.js", "src/bin/api.ts"]
