#!/usr/bin/env bash
# Build bpfx and run the bundled example: an XDP program that parses a packet through
# nested subprograms and fails an assertion.  This is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBPFX_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" --target bpfx_cli examples >/dev/null
set -x
build/release/bpfx run build/release/examples/parse_assert.bpf.o --data examples/packet.bin
