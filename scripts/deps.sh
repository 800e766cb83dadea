#!/usr/bin/env bash
# Install what bpfx needs to build and test, from Debian's packages.
# Skips apt entirely when every package is already present.
set -euo pipefail

pkgs=(clang-19 llvm-19 libelf-dev libbpf-dev zlib1g-dev cmake make gcc pkg-config)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
