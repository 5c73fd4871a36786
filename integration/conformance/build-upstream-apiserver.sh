#!/usr/bin/env bash
# Builds upstream's kube-apiserver v1.20.2 from Debian's source package for compare.sh.
# Debian's tree lacks the generated OpenAPI definitions of pkg/generated/openapi (upstream's
# `make generated_files` writes them), so cmd/kube-apiserver fails with
# "undefined: openapi.GetOpenAPIDefinitions". This runs openapi-gen over every package tagged
# `+k8s:openapi-gen=` as build/root/Makefile.generated_files does, then builds the binary where
# the upstream-k8s tool expects it. Minutes on 2 cores the first time; a no-op afterwards.
set -euo pipefail
tool=${UPSTREAM_K8S:-/work/shared/tools/upstream-k8s}
up=${UPSTREAM_DIR:-${TMPDIR:-/tmp}/upstream-k8s}
src=$("$tool" path)
[ -x "$up/bin/kube-apiserver" ] && { echo "$up/bin/kube-apiserver"; exit 0; }
command -v go >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq golang-go >/dev/null; }
mkdir -p "$up/gopath/src/k8s.io" "$up/bin"
ln -sfn "$src" "$up/gopath/src/k8s.io/kubernetes"
export GOPATH=$up/gopath GOCACHE=$up/gocache GO111MODULE=off GOPROXY=off GOSUMDB=off
unset GOFLAGS
cd "$up/gopath/src/k8s.io/kubernetes"
if [ ! -s pkg/generated/openapi/zz_generated.openapi.go ]; then
  go build -o "$up/bin/openapi-gen" k8s.io/kubernetes/vendor/k8s.io/kube-openapi/cmd/openapi-gen
  # vendor/k8s.io/* are symlinks into staging/: follow them (-L). The code generator's and the
  # sample apiserver's own packages are left out, as upstream's Makefile does.
  dirs=$(find -L pkg cmd vendor/k8s.io -type f -name '*.go' \
      -not -path 'vendor/k8s.io/code-generator/*' -not -path 'vendor/k8s.io/sample-apiserver/*' \
    | { xargs grep -l '^// *+k8s:openapi-gen=' || true; } \
    | xargs -n1 dirname | sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd, -)
  "$up/bin/openapi-gen" --logtostderr -i "$dirs" -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -r "$up/openapi-violations.report"
fi
go build -o "$up/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
echo "$up/bin/kube-apiserver"
