"""The PyTorch peer that `jasper bench` measures ONNX Runtime against.

The forward pass of jasper_reference.py, batched the way sentence-transformers runs a model: texts sorted by length
(longest first), cut into batches of `batch_size`, right-padded, with an attention mask; each row compressed to its
own length by adaptive_avg_pool1d; the decoder as Hugging Face's Qwen3 computes it; mean pooling over each row's own
positions; linear_1; L2 normalisation. The products go through torch.nn.functional.linear, the call a Hugging Face
model makes.

Two setups, chosen per request by "dtype":
  fp32            on the CPU: Hugging Face's eager attention (repeat_kv, masked softmax in float32).
  bf16 / fp16     on CUDA (--device cuda), as sentence-transformers loads a model with torch_dtype: weights and
                  activations in that dtype, RMSNorm in float32 inside, and attention by
                  torch.nn.functional.scaled_dot_product_attention (flash / memory-efficient kernels): is_causal
                  when a batch has no padding, a boolean causal-and-padding mask when it has.

It runs as a server: one JSON request per line on stdin, one JSON answer per line on stdout, so that the benchmark
can interleave the peer's measurements with its own cell by cell on a noisy machine.

  {"op": "info"}                                        -> torch version, BLAS or GPU, threads
  {"op": "matmul", "m": 2048, "k": 1024, "n": 3072, "seconds": 2, "dtype": "fp32"}
                                                        -> {"gflops": ...} for F.linear at that size
  {"op": "embed", "ids": [[...], ...], "ratio": 0.5, "batch_size": 32, "seconds": 10, "warmup": 1, "dtype": "bf16"}
                                                        -> {"texts": n, "passes": p, "seconds": s,
                                                            "embeddings": [[...], ...] (input order)}

Needs Debian's python3-torch only on a CPU. Debian's default BLAS is the slow reference one; `apt install
libopenblas0-pthread` makes the CPU peer fair, and the "info" answer says which BLAS torch loaded.
"""

import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jasper_reference import JasperReference  # noqa: E402


DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


class JasperPeer(JasperReference):
    def __init__(self, directory, threshold, device="cpu"):
        super().__init__(directory, threshold)
        self.device = torch.device(device)
        # Hugging Face keeps nn.Linear weights [out, in] and calls F.linear; so do we. One copy per dtype asked for.
        self.float32 = {name: t.contiguous().to(self.device) for name, t in self.w.items()}
        self.copies = {torch.float32: self.float32}
        self.w = self.float32
        self.dtype = torch.float32
        self.sdpa = False

    def use(self, dtype_name):
        """Switches weights and attention to a dtype: fp32 runs the eager attention, bf16/fp16 SDPA."""
        dtype = DTYPES[dtype_name]
        if dtype not in self.copies:
            self.copies[dtype] = {name: t.to(dtype) for name, t in self.float32.items()}
        self.w = self.copies[dtype]
        self.dtype = dtype
        self.sdpa = dtype != torch.float32

    def rms_norm(self, x, weight):
        # Qwen3RMSNorm: float32 inside, back to the input's dtype, times the weight.
        variance = x.float().pow(2).mean(-1, keepdim=True)
        return weight * (x.float() * torch.rsqrt(variance + self.eps)).to(x.dtype)

    def rotary_tables(self, length):
        cos, sin = self.rotary(length)  # float32, as Qwen3's rotary embedding computes them, then in the model's dtype
        return cos[None, None].to(self.device, self.dtype), sin[None, None].to(self.device, self.dtype)  # [1, 1, T, d]

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
        if self.sdpa:
            # mask None: no padding, so the kernel's own causal mask (flash attention); else causal-and-valid keys.
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None, enable_gqa=True)
            context = context.transpose(1, 2).reshape(B, T, self.heads * self.head_dim)
            return F.linear(context, self.w[f"{p}.o_proj.weight"])
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
        ids = ids.to(self.device)
        x = self.swiglu_batched("jasper_mlp", F.embedding(ids, self.w["model.embed_tokens.weight"]))
        lengths = [self.compressed_length(len(r), ratio) for r in rows]
        T = max(lengths)
        pooled = torch.zeros(B, T, self.hidden, device=self.device, dtype=x.dtype)
        # Rows of one length are pooled in one call (a sorted batch is mostly one length).
        for length in sorted(set(len(r) for r in rows)):
            members = [b for b, r in enumerate(rows) if len(r) == length]
            n = lengths[members[0]]
            group = x[members, :length]
            if n != length:
                group = F.adaptive_avg_pool1d(group.transpose(1, 2), n).transpose(1, 2)
            pooled[members, :n] = group
        x = pooled
        valid = torch.zeros(B, T, device=self.device)
        for b, n in enumerate(lengths):
            valid[b, :n] = 1.0
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool, device=self.device), diagonal=1)
        blocked = causal[None, None] | (valid[:, None, None, :] == 0)
        if self.sdpa:
            mask = None if min(lengths) == T else ~blocked  # SDPA's boolean mask: True where attention is allowed
        else:
            mask = torch.zeros(B, 1, T, T, device=self.device).masked_fill(blocked, torch.finfo(torch.float32).min)
        cos, sin = self.rotary_tables(T)
        for i in range(self.layers):
            p = f"model.layers.{i}"
            x = x + self.attention_batched(i, self.rms_norm(x, self.w[f"{p}.input_layernorm.weight"]), mask, cos, sin)
            x = x + self.swiglu_batched(f"{p}.mlp", self.rms_norm(x, self.w[f"{p}.post_attention_layernorm.weight"]))
        x = self.rms_norm(x, self.w["model.norm.weight"])
        summed = (x.float() * valid[:, :, None]).sum(dim=1)
        mean = (summed / valid.sum(dim=1, keepdim=True)).to(x.dtype)
        out = F.linear(mean, self.w["linear_1.weight"], self.w["linear_1.bias"])
        return F.normalize(out.float(), dim=-1).cpu()  # .cpu() waits for the device, so a pass is timed whole

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


def device_name(device):
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    return blas_name()


def synchronized(action, device):
    def run():
        result = action()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return result

    return run


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
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    peer = JasperPeer(args.checkpoint, args.threshold, args.device)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.get("op")
        if op == "info":
            answer = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": device_name(peer.device)}
        elif op == "matmul":
            m, k, n = request["m"], request["k"], request["n"]
            dtype = DTYPES[request.get("dtype", "fp32")]
            a = torch.randn(m, k, device=peer.device).to(dtype)
            b = torch.randn(n, k, device=peer.device).to(dtype)
            _, passes, elapsed = timed(synchronized(lambda: F.linear(a, b), peer.device), request.get("seconds", 2.0), 2)
            answer = {"gflops": 2.0 * m * k * n * passes / elapsed / 1e9}
        elif op == "embed":
            texts, ratio, batch = request["ids"], request["ratio"], request.get("batch_size", 32)
            peer.use(request.get("dtype", "fp32"))
            vectors, passes, elapsed = timed(lambda: peer.embed_all(texts, ratio, batch), request.get("seconds", 10.0), request.get("warmup", 1))
            answer = {"texts": len(texts), "passes": passes, "seconds": elapsed, "embeddings": [v.tolist() for v in vectors]}
        else:
            answer = {"error": f"unknown op {op!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
