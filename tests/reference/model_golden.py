"""Writes the committed model parity goldens from the independent PyTorch reference.

    /usr/bin/python3 tests/reference/model_golden.py CHECKPOINT_DIR MODEL_INPUTS.json OUT.json

CHECKPOINT_DIR is the tiny random checkpoint the repo generates deterministically
(`jasper model random --preset tiny`); MODEL_INPUTS.json comes from tests/reference/tokenizer-golden.mjs (texts and
their ids from the JavaScript tokenizer). tests/reference/generate-goldens.sh runs the whole chain.
"""

import base64
import hashlib
import json
import os
import struct
import sys

import torch

from jasper_reference import JasperReference

RATIOS = [1.0, 0.5, 0.3333, 0.2, 0.1]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def encode_floats(values):
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def main(checkpoint, inputs_path, out_path):
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = JasperReference(checkpoint)
    with open(inputs_path) as f:
        inputs = json.load(f)
    cases = []
    prompts = {"document": "", "query": inputs["query_prompt"]}
    for case in inputs["cases"]:
        # The JavaScript side stripped prompt + text as it believes Python does; Python decides.
        expected = (prompts[case["prompt_name"]] + case["text"]).strip()
        if case["input"] != expected:
            raise SystemExit(f"input {case['input']!r} is not Python's strip() of prompt + text ({expected!r})")
        results = {}
        for ratio in RATIOS:
            vector, compressed = model.embed(case["ids"], ratio)
            results[repr(ratio)] = {"compressed_tokens": compressed, "embedding": encode_floats(vector.tolist())}
        cases.append({**case, "results": results})
        print(f"{len(case['ids'])} tokens: " + ", ".join(f"{r}->{v['compressed_tokens']}" for r, v in results.items()),
              file=sys.stderr)
    weights = sorted(f for f in os.listdir(checkpoint) if f.endswith(".safetensors"))
    golden = {
        "reference": "tests/reference/jasper_reference.py (PyTorch %s, fp32)" % torch.__version__,
        "checkpoint": {
            "generator": "jasper model random --preset tiny --seed 20251118",
            "weights_sha256": {f: sha256(os.path.join(checkpoint, f)) for f in weights},
            "config": model.config,
        },
        "threshold": model.threshold,
        "ratios": RATIOS,
        "query_prompt": inputs["query_prompt"],
        "cases": cases,
    }
    with open(out_path, "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
