# Vigil container image. The project's own scripts (scripts/run.sh, scripts/test.sh) run the servers
# natively and do not use this file; it is for people who deploy with Docker.
#
#   docker build -t vigil .
#   docker run --rm vigil check-config

ARG SWIFT_VERSION=6.1

# --- build -------------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libnats-dev libhiredis-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# SwiftPM checks every target's folder when it loads the manifest, so Tests/ comes too.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift package resolve
# The Swift runtime and Foundation are linked statically; the C libraries stay shared.
RUN swift build -c release --product vigil --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/vigil" /out/vigil

# --- runtime -----------------------------------------------------------------------------------
FROM debian:bookworm-slim
# libnats3.4, libhiredis0.14 and libpq5 are the runtime packages behind the -dev packages above
# (Debian 12); curl is for the health check.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libnats3.4 libhiredis0.14 libpq5 libstdc++6 ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/vigil --create-home vigil
COPY --from=build /out/vigil /usr/local/bin/vigil
# Found by `vigil run` / `vigil migrate` when database.migrations_dir is unset.
COPY schemas/sql /usr/share/vigil/sql
USER vigil
WORKDIR /var/lib/vigil
ENV VIGIL_HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["vigil"]
CMD ["run"]
