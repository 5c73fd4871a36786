#!/usr/bin/env bash
# Differential conformance: the same request corpus against kubelab's API server and upstream's
# kube-apiserver v1.20.2 (with etcd), reporting every difference in status code, Status reason and
# response shape. On demand, not in CI: the first run builds kube-apiserver (minutes; see
# build-upstream-apiserver.sh).
#   integration/conformance/compare.sh [UPSTREAM_PORT] [KUBELAB_PORT]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
up_port=${1:-16550}
kl_port=${2:-16560}
tool=${UPSTREAM_K8S:-/work/shared/tools/upstream-k8s}
run=${UPSTREAM_DIR:-${TMPDIR:-/tmp}/upstream-k8s}/run
cd "$root"
# Debian's tree needs the OpenAPI definitions generated before kube-apiserver builds.
UPSTREAM_K8S=$tool "$root/integration/conformance/build-upstream-apiserver.sh" >/dev/null
./mvnw -B -q install -DskipTests -Djmh.skip=true -Dspotless.check.skip=true -pl integration -am
./mvnw -B -q test-compile -pl integration -Djmh.skip=true -Dspotless.check.skip=true
cp="integration/target/test-classes:integration/target/classes:$(./mvnw -B -q -pl integration dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
"$tool" apiserver "$up_port" & up=$!
java -cp "$cp" io.kubelab.cli.Kubelab apiserver --port "$kl_port" >/dev/null & kl=$!
trap 'kill $kl 2>/dev/null; pkill -P $up 2>/dev/null; kill $up 2>/dev/null' EXIT
for i in $(seq 1 120); do
  curl -sk -o /dev/null -H "Authorization: Bearer upstream-token" "https://127.0.0.1:$up_port/readyz" && \
    curl -s -o /dev/null "http://127.0.0.1:$kl_port/readyz" && break
  sleep 1
done
# wait for upstream's bootstrap priority classes and namespaces
sleep 5
java -cp "$cp" io.kubelab.cluster.apiserver.conformance.ConformanceReplay \
  "http://127.0.0.1:$kl_port" "https://127.0.0.1:$up_port" upstream-token
