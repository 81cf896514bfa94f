"""Independent PyTorch reference of the Jasper-Token-Compression-600M forward pass.

Written from ../shared/docs/jasper-model.md ("Forward pass"), not from the C# code: fp32 compute on the checkpoint's
weights, one text at a time with no padding, compression by torch's own adaptive_avg_pool1d, the stock causal Qwen3
decoder, mean pooling, linear_1 and L2 normalisation.

Runs with Debian's python3-torch (apt install python3-torch); CI never needs it. It reads safetensors files itself so
that no pip package is required.
"""

import json
import math
import os
import struct

import torch
import torch.nn.functional as F

THRESHOLD = 80


def read_safetensors(path):
    """Returns {name: float32 tensor} for one safetensors file (F32, F16 or BF16)."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        shape = info["shape"]
        dtype = info["dtype"]
        if dtype == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        elif dtype == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        elif dtype == "BF16":
            t = torch.frombuffer(raw, dtype=torch.bfloat16).float()
        else:
            raise ValueError(f"{path}: unsupported dtype {dtype} for {name}")
        tensors[name] = t.reshape(shape).clone()
    return tensors


def load_checkpoint(directory):
    """Loads config.json and every weight (single file or sharded index); strips an optional 'model.' prefix."""
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    single = os.path.join(directory, "model.safetensors")
    if os.path.exists(single):
        files = [single]
    else:
        with open(os.path.join(directory, "model.safetensors.index.json")) as f:
            files = sorted({os.path.join(directory, v) for v in json.load(f)["weight_map"].values()})
    weights = {}
    for path in files:
        weights.update(read_safetensors(path))
    normalized = {}
    for name, t in weights.items():
        if name.startswith("layers.") or name.startswith("embed_tokens.") or name == "norm.weight":
            name = "model." + name
        normalized[name] = t
    return config, normalized


class JasperReference:
    def __init__(self, directory, threshold=THRESHOLD):
        self.config, self.w = load_checkpoint(directory)
        c = self.config
        self.hidden = c["hidden_size"]
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim", self.hidden // self.heads)
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.theta = c.get("rope_theta", 10000.0)
        self.bias = c.get("attention_bias", False)
        self.threshold = threshold

    # ---- building blocks -------------------------------------------------------------------------------------
    def rms_norm(self, x, weight):
        variance = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.eps))

    def swiglu(self, prefix, x):
        gate = x @ self.w[f"{prefix}.gate_proj.weight"].T
        up = x @ self.w[f"{prefix}.up_proj.weight"].T
        return (F.silu(gate) * up) @ self.w[f"{prefix}.down_proj.weight"].T

    def linear(self, name, x):
        y = x @ self.w[name + ".weight"].T
        if self.bias and (name + ".bias") in self.w:
            y = y + self.w[name + ".bias"]
        return y

    def rotary(self, length):
        dim = self.head_dim
        inv_freq = 1.0 / (self.theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        positions = torch.arange(length, dtype=torch.float32)
        freqs = torch.outer(positions, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def attention(self, i, x, cos, sin):
        T = x.shape[0]
        p = f"model.layers.{i}.self_attn"
        q = self.linear(f"{p}.q_proj", x).view(T, self.heads, self.head_dim)
        k = self.linear(f"{p}.k_proj", x).view(T, self.kv_heads, self.head_dim)
        v = self.linear(f"{p}.v_proj", x).view(T, self.kv_heads, self.head_dim)
        q = self.rms_norm(q, self.w[f"{p}.q_norm.weight"]).transpose(0, 1)  # [heads, T, d]
        k = self.rms_norm(k, self.w[f"{p}.k_norm.weight"]).transpose(0, 1)
        v = v.transpose(0, 1)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        groups = self.heads // self.kv_heads
        k = k.repeat_interleave(groups, dim=0)  # query head h uses kv head h // groups
        v = v.repeat_interleave(groups, dim=0)
        scores = (q @ k.transpose(1, 2)) * (self.head_dim ** -0.5)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(causal, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        context = (probs @ v).transpose(0, 1).reshape(T, self.heads * self.head_dim)
        return context @ self.w[f"{p}.o_proj.weight"].T

    # ---- the forward pass ------------------------------------------------------------------------------------
    def compressed_length(self, length, ratio):
        if length <= self.threshold:
            return length
        return int(self.threshold + (length - self.threshold) * ratio)  # Python float: double precision

    @torch.no_grad()
    def embed(self, ids, ratio):
        """Returns (L2-normalised embedding, compressed length) for one text's token ids."""
        x = self.w["model.embed_tokens.weight"][torch.tensor(ids, dtype=torch.long)]  # [L, hidden]
        x = self.swiglu("jasper_mlp", x)  # every token, no residual
        L = x.shape[0]
        T = self.compressed_length(L, ratio)
        if T != L:
            x = F.adaptive_avg_pool1d(x.T.unsqueeze(0), T).squeeze(0).T  # [T, hidden]
        cos, sin = self.rotary(T)
        for i in range(self.layers):
            p = f"model.layers.{i}"
            x = x + self.attention(i, self.rms_norm(x, self.w[f"{p}.input_layernorm.weight"]), cos, sin)
            x = x + self.swiglu(f"{p}.mlp", self.rms_norm(x, self.w[f"{p}.post_attention_layernorm.weight"]))
        x = self.rms_norm(x, self.w["model.norm.weight"])
        pooled = x.mean(dim=0)
        out = pooled @ self.w["linear_1.weight"].T + self.w["linear_1.bias"]
        return F.normalize(out, dim=-1), T
