#!/usr/bin/env bash
# Runs the GPU checks with the bundle from tools/gpu/pack.sh: unpacks it in BUNDLE (default /tmp/gpu), then writes to
# OUT: the GPU, `ldd` of the CUDA provider, the node placements of the fp16 graph on CUDA, `jasper bench` of the
# full-size random model (fp32, fused fp16 and explicit fp16) beside the PyTorch SDPA peer, and the peak device memory
# of `jasper embed` by batch budget (memory.csv) beside the budget the encoder chooses from free memory (budget.txt),
# where an inference's time goes by operator (profile.md), `jasper embed` end to end on texts it has not seen
# beside the bench's inference alone (embed.md), and `jasper ingest` of the machine's Python sources (ingest.txt).
# Rehearse without a GPU: DEVICE=cpu PRESET=tiny tools/gpu/run.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=${BUNDLE:-/tmp/gpu}
out=${OUT:-/tmp/gpu-out}
device=${DEVICE:-cuda}
preset=${PRESET:-full}
mkdir -p "$out"
cd "$bundle" || exit 1
[ -d app ] || tar -xJf app.tar.xz
[ -d icu ] || dpkg -x libicu72_*.deb icu
if [ ! -f app/libonnxruntime_providers_cuda.so ] && ls provider.so.xz.part-* >/dev/null 2>&1; then
    cat provider.so.xz.part-* | xz -d -T0 > app/libonnxruntime_providers_cuda.so
fi

# The CUDA 13 and cuDNN 9 libraries wherever the machine keeps them (pip wheels, /usr/local/cuda, distribution packages).
libs=$(for name in 'libcublasLt.so.13*' 'libcudart.so.13*' 'libcurand.so.10*' 'libcudnn.so.9*'; do
    find / -xdev -name "$name" 2>/dev/null | head -1 | xargs -r dirname; done | sort -u | paste -sd:)
export LD_LIBRARY_PATH="$bundle/app:$bundle/icu/usr/lib/x86_64-linux-gnu:$libs:${LD_LIBRARY_PATH:-}"
jasper="$bundle/app/jasper"

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; } > "$out/machine.txt"
[ -f app/libonnxruntime_providers_cuda.so ] && ldd app/libonnxruntime_providers_cuda.so > "$out/ldd.txt" 2>&1

"$jasper" bench --random "$preset" --tokenizer "$bundle/app/tokenizer" --device "$device" \
    --precision "${VARIANTS:-fp32,fp16,fp16-explicit}" --tokens "${TOKENS:-512,1024}" --ratios "${RATIOS:-1,0.33,0.1}" \
    --texts 32 --seconds "${SECONDS_PER_CELL:-2}" --no-startup --serve-clients 32 --serve-seconds 4 \
    --work /tmp/bench --markdown "$out/bench.md" --json "$out/bench.json" 2>&1 | tee "$out/bench.log"

# Which nodes ONNX Runtime put on which provider (its verbose log, placements only).
printf '{"id": "1", "text": "%s"}\n' "Where does each node of the graph run?" > /tmp/one.jsonl
JASPER_ORT_LOG=verbose "$jasper" embed --model /tmp/bench/random-$preset/fp16 --device "$device" --input /tmp/one.jsonl --output /tmp/one.out.jsonl > /tmp/verbose.log 2>&1
grep 'VerifyEachNodeIsAssignedToAnEp' /tmp/verbose.log | sed 's/.*VerifyEachNodeIsAssignedToAnEp\] //' | head -200 > "$out/placement.txt"
grep -E 'modified: [1-9]|not assigned|Memcpy' /tmp/verbose.log | grep -v bfc_arena | sed 's/^[0-9-]* [0-9:.]* //' | head -80 >> "$out/placement.txt"
# 64 texts cut to 1,024 tokens, embedded at ratio 1.0: the most memory a batch of them can take.
words=$(printf 'compression%.0s ' $(seq 1 1500))
for i in $(seq 1 64); do printf '{"id": "%s", "text": "%s %s"}\n' "$i" "$i" "$words"; done > /tmp/long.jsonl

# The batch budget the encoder chooses from the device's free memory (its probe at load; no line on the CPU) for each
# graph, and whether the long texts then run under it (the exit status).
: > "$out/budget.txt"
for variant in fp16 fp16-explicit fp32; do
    [ -d /tmp/bench/random-$preset/$variant ] || continue
    "$jasper" embed --model /tmp/bench/random-$preset/$variant --device "$device" --input /tmp/long.jsonl --output /dev/null \
        --truncate --compression-ratio 1.0 > /tmp/budget.log 2>&1
    status=$?
    echo "$variant: exit $status; $(grep -m1 'Batch budget' /tmp/budget.log)" >> "$out/budget.txt"
    [ "$status" -eq 0 ] || tail -5 /tmp/budget.log | sed 's/^/    /' >> "$out/budget.txt"
done

# Where an inference's time goes, by operator (profile.md): ONNX Runtime's profile with every kernel launch blocking,
# so that a node's time is its kernels' time; what the skip-RMSNorm fusion could save is at most the residual Adds'
# share, and what IOBinding or pinned buffers could save at most the time outside the kernels.
rm -rf /tmp/prof && mkdir -p /tmp/prof
CUDA_LAUNCH_BLOCKING=1 JASPER_ORT_PROFILE=/tmp/prof/fp16 "$jasper" embed --model /tmp/bench/random-$preset/fp16 --device "$device" \
    --input /tmp/long.jsonl --output /dev/null --truncate --compression-ratio 1.0 --batch-tokens 16384 > /tmp/prof/embed.log 2>&1
python3 "$here/profile_summary.py" /tmp/prof/fp16*.json > "$out/profile.md" 2>&1

# `jasper embed` end to end (read, tokenize, embed, write) on texts no bench has seen, the machine's own Python sources
# in pieces of 6,000 characters cut to 1,024 tokens, beside the bench's inference alone on texts of that length
# (embed.md): what is lost between the two is host work the GPU waits for.
python3 - "${E2E_TEXTS:-2048}" > /tmp/real.jsonl <<'PY'
import glob, json, sys
count, pieces = int(sys.argv[1]), []
for path in sorted(glob.glob("/usr/lib/python3*/**/*.py", recursive=True)):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    pieces += [text[i:i + 6000] for i in range(0, len(text) - 6000, 6000)]
    if len(pieces) >= count:
        break
for i, piece in enumerate(pieces[:count]):
    print(json.dumps({"id": i, "text": piece}))
PY
for ratio in 1 0.33; do
    "$jasper" embed --model /tmp/bench/random-$preset/fp16 --device "$device" --input /tmp/real.jsonl --output /dev/null \
        --truncate --max-tokens 1024 --compression-ratio "$ratio" > /tmp/real-$ratio.log 2>&1
done
python3 "$here/embed_summary.py" "$out/bench.json" /tmp/real-1.log /tmp/real-0.33.log > "$out/embed.md" 2>&1

# `jasper ingest` of the machine's Python sources as text files, extracted, chunked, compressed by the policy (mean
# ratio about 0.33) and embedded in inferences shared across documents (ingest.txt): as it runs on a GPU, with
# documents planned ahead (one per core, up to 8), and with none planned ahead. Beside embed.md it shows what ingestion leaves
# of the GPU, and whether planning ahead pays.
rm -rf /tmp/docs /tmp/ingest-out && mkdir -p /tmp/docs
find /usr/lib/python3* -name '*.py' -size +8k 2>/dev/null | sort | head -"${INGEST_FILES:-400}" | nl -nln | while read -r n path; do
    cp "$path" "/tmp/docs/$n.txt"; done
: > "$out/ingest.txt"
for ahead in default 0; do
    rm -rf /tmp/ingest-out
    flags=(); [ "$ahead" = default ] || flags=(--documents-ahead "$ahead")
    "$jasper" ingest /tmp/docs --model /tmp/bench/random-$preset/fp16 --device "$device" --out /tmp/ingest-out "${flags[@]}" > /tmp/ingest.log 2>&1
    echo "documents ahead: $ahead, exit $?" >> "$out/ingest.txt"
    grep -v '%$' /tmp/ingest.log | tail -16 >> "$out/ingest.txt"
done

# Peak device memory of `jasper embed` at fixed batch budgets: the memory per token that the probe's figure (budget.txt)
# is checked against. Skipped without nvidia-smi.
if command -v nvidia-smi >/dev/null 2>&1; then
    idle=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
    echo "budget_tokens,peak_used_mib,idle_used_mib" > "$out/memory.csv"
    for budget in ${BUDGETS:-16384 32768 65536}; do
        "$jasper" embed --model /tmp/bench/random-$preset/fp16 --device "$device" --input /tmp/long.jsonl --output /dev/null \
            --truncate --compression-ratio 1.0 --batch-tokens "$budget" > /dev/null 2>&1 &
        pid=$!
        peak=0
        while kill -0 "$pid" 2>/dev/null; do
            used=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
            [ "${used:-0}" -gt "$peak" ] && peak=$used
            sleep 0.1
        done
        echo "$budget,$peak,$idle" >> "$out/memory.csv"
    done
fi
ls -l "$out"
