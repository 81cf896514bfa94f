#!/usr/bin/env python3
"""Sets `jasper embed` end to end (read, tokenize, embed, write) beside the bench's inference alone, as Markdown: what
is lost between the two is host work the device waits for.

Each LOG is `jasper embed --compression-ratio R` of texts cut to 1,024 tokens, named `*-R.log`; its last line is the
command's summary (`... in S s: N tokens/s on cuda`). BENCH is the `--json` of `jasper bench`, whose fp16 cells at
1,024 tokens are the inference alone.

    python3 tools/gpu/embed_summary.py BENCH.json real-1.log real-0.33.log > embed.md
"""
import json
import re
import sys


def main(bench_path, logs):
    with open(bench_path, encoding="utf-8") as f:
        bench = json.load(f)
    inference = {c["ratio"]: c["tokens_per_second"] for p in bench["precisions"] if p["precision"] == "fp16"
                 for c in p["cells"] if c["tokens"] == 1024}
    print("| ratio | `jasper embed`, end to end | bench, inference alone at 1,024 tokens | end to end ÷ inference |")
    print("|---:|---|---:|---:|")
    for log in logs:
        ratio = float(re.search(r"-([0-9.]+)\.log$", log).group(1))
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = [line.strip() for line in f if line.strip()]
        summary = lines[-1] if lines else "(no output)"
        measured = re.search(r"([0-9]+) tokens/s on", summary)
        alone = inference.get(ratio)
        share = f"{int(measured.group(1)) / alone:.2f}" if measured and alone else "–"
        print(f"| {ratio:g} | {summary} | {f'{alone:,.0f}' if alone else '–'} | {share} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
