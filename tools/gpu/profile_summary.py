#!/usr/bin/env python3
"""Sums up an ONNX Runtime profile (JASPER_ORT_PROFILE) as Markdown: kernel time by operator and provider, the time
each inference spends outside its kernels (copying inputs in and outputs out, scheduling), and the arena's peak.

Run the profiled command with CUDA_LAUNCH_BLOCKING=1 on a GPU: CUDA kernels are otherwise only launched while a node
is timed, so node times would be launch times. The first inference is left out (one-time setup: cuBLAS, cuDNN, the
arena's growth).

    python3 tools/gpu/profile_summary.py PROFILE.json > profile.md
"""
import collections
import json
import sys


def summarise(events):
    runs = sorted((e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"), key=lambda e: e["ts"])
    measured = runs[1:] if len(runs) > 1 else runs
    nodes = [e for e in events if e.get("cat") == "Node"]
    by_op = collections.defaultdict(float)
    count = collections.Counter()
    peak = collections.defaultdict(int)
    total_run = 0.0
    total_nodes = 0.0
    for run in measured:
        start, end = run["ts"], run["ts"] + run["dur"]
        total_run += run["dur"]
        for node in nodes:
            if start <= node["ts"] <= end:
                args = node.get("args", {})
                key = (args.get("op_name", "?"), args.get("provider", "?").replace("ExecutionProvider", ""))
                by_op[key] += node["dur"]
                count[key] += 1
                total_nodes += node["dur"]
                peak[key[1]] = max(peak[key[1]], int(args.get("mem_in_use_peak", 0) or 0))
    lines = [
        f"{len(measured)} inference(s) measured of {len(runs)} (the first is left out as warm-up when there are more), "
        f"{total_run / 1000:.2f} ms in all.",
        "",
        "| operator | provider | nodes run | ms | share of the inferences |",
        "|---|---|---:|---:|---:|",
    ]
    for (op, provider), micros in sorted(by_op.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {op} | {provider} | {count[(op, provider)]} | {micros / 1000:.2f} | {micros / total_run:.1%} |")
    outside = total_run - total_nodes
    lines += [
        f"| *outside the kernels: inputs in, outputs out, scheduling* | | | {outside / 1000:.2f} | {outside / total_run:.1%} |",
        "",
        "Peak arena memory in use, by provider: "
        + ", ".join(f"{provider} {bytes_ / 2**20:,.0f} MiB" for provider, bytes_ in sorted(peak.items())) + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(summarise(json.load(f)))
