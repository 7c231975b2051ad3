# Every backend service's image (the gateway has its own, backend/gateway/Dockerfile): the
# service's static binary on an empty base, so nothing is pulled from a registry.
#
# `cargo xtask compose up` compiles every service once, for all images:
#   cargo build --profile release-native --target x86_64-unknown-linux-musl -p mercado-<name> …
# and stages this file in target/compose/<name>/ (the build context) with that service's
# stripped binary named `service` and an empty `data/`. Which service it is, its port and the
# rest of its settings come from the environment compose and Kubernetes give it. With a
# registry, a first stage FROM rust:1.95-alpine running that cargo build (plus `apk add
# musl-dev`) can produce the same binary instead.
FROM scratch
# The database directory (a named volume in compose copies its owner from here).
COPY --chown=10001:10001 data /data
COPY service /service
# Numeric: scratch has no /etc/passwd.
USER 10001:10001
WORKDIR /data
# SQLite writes its temporary files under TMPDIR; scratch has no /tmp.
ENV HOST=0.0.0.0 DATA_DIR=/data TMPDIR=/data
ENTRYPOINT ["/service"]
