"""The PyTorch peer that `jasper bench` measures ONNX Runtime against.

The forward pass of jasper_reference.py, batched the way sentence-transformers runs a model: texts sorted by length
(longest first), cut into batches of `batch_size`, right-padded, with an attention mask; each row compressed to its
own length by adaptive_avg_pool1d; the decoder as Hugging Face's eager Qwen3 attention computes it (repeat_kv,
masked softmax in float32); mean pooling over each row's own positions; linear_1; L2 normalisation. Weights are
float32 and the products go through torch.nn.functional.linear, the BLAS call a Hugging Face model makes.

It runs as a server: one JSON request per line on stdin, one JSON answer per line on stdout, so that the benchmark
can interleave the peer's measurements with its own cell by cell on a noisy machine.

  {"op": "info"}                                        -> torch version, BLAS, threads
  {"op": "matmul", "m": 2048, "k": 1024, "n": 3072, "seconds": 2}
                                                        -> {"gflops": ...} for F.linear at that size
  {"op": "embed", "ids": [[...], ...], "ratio": 0.5, "batch_size": 32, "seconds": 10, "warmup": 1}
                                                        -> {"texts": n, "passes": p, "seconds": s,
                                                            "embeddings": [[...], ...] (input order)}

Needs Debian's python3-torch only. Debian's default BLAS is the slow reference one; `apt install
libopenblas0-pthread` makes the peer fair, and the "info" answer says which BLAS torch loaded.
"""

import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jasper_reference import JasperReference  # noqa: E402


class JasperPeer(JasperReference):
    def __init__(self, directory, threshold):
        super().__init__(directory, threshold)
        # Hugging Face keeps nn.Linear weights [out, in] and calls F.linear; so do we.
        self.w = {name: t.contiguous() for name, t in self.w.items()}

    def rotary_tables(self, length):
        cos, sin = self.rotary(length)
        return cos[None, None], sin[None, None]  # [1, 1, T, d]

    def attention_batched(self, i, x, mask, cos, sin):
        B, T, _ = x.shape
        p = f"model.layers.{i}.self_attn"
        q = F.linear(x, self.w[f"{p}.q_proj.weight"], self.w.get(f"{p}.q_proj.bias") if self.bias else None)
        k = F.linear(x, self.w[f"{p}.k_proj.weight"], self.w.get(f"{p}.k_proj.bias") if self.bias else None)
        v = F.linear(x, self.w[f"{p}.v_proj.weight"], self.w.get(f"{p}.v_proj.bias") if self.bias else None)
        q = self.rms_norm(q.view(B, T, self.heads, self.head_dim), self.w[f"{p}.q_norm.weight"]).transpose(1, 2)
        k = self.rms_norm(k.view(B, T, self.kv_heads, self.head_dim), self.w[f"{p}.k_norm.weight"]).transpose(1, 2)
        v = v.view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        groups = self.heads // self.kv_heads
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
        scores = torch.matmul(q, k.transpose(2, 3)) * (self.head_dim ** -0.5) + mask
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        context = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, self.heads * self.head_dim)
        return F.linear(context, self.w[f"{p}.o_proj.weight"])

    def swiglu_batched(self, prefix, x):
        gate = F.linear(x, self.w[f"{prefix}.gate_proj.weight"])
        up = F.linear(x, self.w[f"{prefix}.up_proj.weight"])
        return F.linear(F.silu(gate) * up, self.w[f"{prefix}.down_proj.weight"])

    @torch.no_grad()
    def embed_batch(self, rows, ratio):
        """rows: lists of token ids. Returns [B, dims] L2-normalised embeddings."""
        B = len(rows)
        L = max(len(r) for r in rows)
        ids = torch.zeros(B, L, dtype=torch.long)
        for b, r in enumerate(rows):
            ids[b, : len(r)] = torch.tensor(r, dtype=torch.long)
        x = self.swiglu_batched("jasper_mlp", F.embedding(ids, self.w["model.embed_tokens.weight"]))
        lengths = [self.compressed_length(len(r), ratio) for r in rows]
        T = max(lengths)
        pooled = torch.zeros(B, T, self.hidden)
        for b, r in enumerate(rows):
            row = x[b, : len(r)]
            if lengths[b] != len(r):
                row = F.adaptive_avg_pool1d(row.T.unsqueeze(0), lengths[b]).squeeze(0).T
            pooled[b, : lengths[b]] = row
        x = pooled
        valid = torch.zeros(B, T)
        for b, n in enumerate(lengths):
            valid[b, :n] = 1.0
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        blocked = causal[None, None] | (valid[:, None, None, :] == 0)
        mask = torch.zeros(B, 1, T, T).masked_fill(blocked, torch.finfo(torch.float32).min)
        cos, sin = self.rotary_tables(T)
        for i in range(self.layers):
            p = f"model.layers.{i}"
            x = x + self.attention_batched(i, self.rms_norm(x, self.w[f"{p}.input_layernorm.weight"]), mask, cos, sin)
            x = x + self.swiglu_batched(f"{p}.mlp", self.rms_norm(x, self.w[f"{p}.post_attention_layernorm.weight"]))
        x = self.rms_norm(x, self.w["model.norm.weight"])
        summed = (x * valid[:, :, None]).sum(dim=1)
        mean = summed / valid.sum(dim=1, keepdim=True)
        out = F.linear(mean, self.w["linear_1.weight"], self.w["linear_1.bias"])
        return F.normalize(out, dim=-1)

    def embed_all(self, texts, ratio, batch_size):
        """sentence-transformers' encode(): longest first, batches of batch_size, results in input order."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        results = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            vectors = self.embed_batch([texts[i] for i in chunk], ratio)
            for row, i in enumerate(chunk):
                results[i] = vectors[row]
        return results


def blas_name():
    try:
        with open("/proc/self/maps") as maps:
            libraries = {line.split()[-1] for line in maps if "blas" in line.lower()}
        # The library that does the work (libopenblasp-r0.3.21.so), else whatever libblas the alternatives chose.
        chosen = sorted(libraries, key=lambda lib: ("openblas" not in os.path.basename(lib).lower(), lib))
        return chosen[0] if chosen else "unknown"
    except OSError:
        return "unknown"


def timed(action, seconds, warmup):
    for _ in range(warmup):
        action()
    passes = 0
    start = time.perf_counter()
    while True:
        result = action()
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return result, passes, elapsed


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--threshold", type=int, default=80)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    peer = JasperPeer(args.checkpoint, args.threshold)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.get("op")
        if op == "info":
            answer = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_name()}
        elif op == "matmul":
            m, k, n = request["m"], request["k"], request["n"]
            a, b = torch.randn(m, k), torch.randn(n, k)
            _, passes, elapsed = timed(lambda: F.linear(a, b), request.get("seconds", 2.0), 2)
            answer = {"gflops": 2.0 * m * k * n * passes / elapsed / 1e9}
        elif op == "embed":
            texts, ratio, batch = request["ids"], request["ratio"], request.get("batch_size", 32)
            vectors, passes, elapsed = timed(lambda: peer.embed_all(texts, ratio, batch), request.get("seconds", 10.0), request.get("warmup", 1))
            answer = {"texts": len(texts), "passes": passes, "seconds": elapsed, "embeddings": [v.tolist() for v in vectors]}
        else:
            answer = {"error": f"unknown op {op!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
