# An independent RegMean (Jin et al., ICLR 2023) of llama checkpoints, written from the paper and Hugging Face's
# LlamaForCausalLM in plain Python floats (float64; no numpy or torch needed): python3 LlamaRegMeanOracle.py REQUEST.json
# REQUEST: {"models": [{"path": folder, "windows": [[token ids], ...]}, ...], "merged": folder, "ratio": alpha,
#           "ridge": relative ridge}
# Per model, a forward pass over each window records every linear layer's input rows x; G = sum x x^T / tokens.
# Per 2-D linear weight W_i [out, in]: G~_i = ratio * G_i + (1 - ratio) * diag(G_i); with the documented ridge
# r = ridge * (largest diagonal entry of any G_i), added once per model, W^T = (sum (G~_i + r I))^-1 sum G~_i W_i^T.
# Every other tensor is the mean. Prints one JSON line: per tensor of the merged checkpoint, the largest
# |merged - oracle| / max(1, max |oracle|), and which tensors had Gram matrices.
import glob
import json
import math
import os
import struct
import sys
from array import array


def read_folder(folder):
    tensors = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.safetensors"))):
        with open(path, "rb") as f:
            data = f.read()
        n = struct.unpack("<Q", data[:8])[0]
        header = json.loads(data[8:8 + n])
        header.pop("__metadata__", None)
        for name, entry in header.items():
            assert entry["dtype"] == "F32", name + " is not float32"
            start, end = entry["data_offsets"]
            values = array("f")
            values.frombytes(data[8 + n + start:8 + n + end])
            shape = entry["shape"]
            values = list(values)
            if len(shape) == 2:
                cols = shape[1]
                values = [values[r * cols:(r + 1) * cols] for r in range(shape[0])]
            tensors[name] = values
    return tensors


def matvec(w, x):
    return [sum(a * b for a, b in zip(row, x)) for row in w]


def rms(x, w, eps):
    scale = 1.0 / math.sqrt(sum(v * v for v in x) / len(x) + eps)
    return [v * scale * g for v, g in zip(x, w)]


def silu(v):
    return v / (1.0 + math.exp(-v))


def forward(config, w, ids, record):
    """One window through the llama; record(weight name, input row) for every linear layer's input row."""
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv = config.get("num_key_value_heads") or heads
    dim = config.get("head_dim") or hidden // heads
    eps = config.get("rms_norm_eps", 1e-6)
    theta = config.get("rope_theta", 10000.0)
    group = heads // kv
    inv = [1.0 / (theta ** (2 * j / dim)) for j in range(dim // 2)]

    def linear(name, rows):
        for row in rows:
            record(name + ".weight", row)
        bias = w.get(name + ".bias")
        out = [matvec(w[name + ".weight"], row) for row in rows]
        return [[o + b for o, b in zip(r, bias)] for r in out] if bias else out

    def rope(vec, t):
        half = dim // 2
        out = []
        for j in range(dim):
            angle = t * inv[j % half]
            rotated = -vec[j + half] if j < half else vec[j - half]
            out.append(vec[j] * math.cos(angle) + rotated * math.sin(angle))
        return out

    x = [list(w["model.embed_tokens.weight"][i]) for i in ids]
    seq = len(ids)
    for b in range(config["num_hidden_layers"]):
        p = "model.layers.%d" % b
        h = [rms(row, w[p + ".input_layernorm.weight"], eps) for row in x]
        q = linear(p + ".self_attn.q_proj", h)
        k = linear(p + ".self_attn.k_proj", h)
        v = linear(p + ".self_attn.v_proj", h)
        merged = [[] for _ in range(seq)]
        for head in range(heads):
            kvh = head // group
            qs = [rope(q[t][head * dim:(head + 1) * dim], t) for t in range(seq)]
            ks = [rope(k[t][kvh * dim:(kvh + 1) * dim], t) for t in range(seq)]
            vs = [v[t][kvh * dim:(kvh + 1) * dim] for t in range(seq)]
            for t in range(seq):
                scores = [sum(a * c for a, c in zip(qs[t], ks[s])) / math.sqrt(dim) for s in range(t + 1)]
                top = max(scores)
                weights = [math.exp(s - top) for s in scores]
                total = sum(weights)
                merged[t].extend(sum(weights[s] * vs[s][d] for s in range(t + 1)) / total for d in range(dim))
        o = linear(p + ".self_attn.o_proj", merged)
        x = [[a + c for a, c in zip(r, s)] for r, s in zip(x, o)]
        h = [rms(row, w[p + ".post_attention_layernorm.weight"], eps) for row in x]
        gate = linear(p + ".mlp.gate_proj", h)
        up = linear(p + ".mlp.up_proj", h)
        act = [[silu(g) * u for g, u in zip(gr, ur)] for gr, ur in zip(gate, up)]
        down = linear(p + ".mlp.down_proj", act)
        x = [[a + c for a, c in zip(r, s)] for r, s in zip(x, down)]
    x = [rms(row, w["model.norm.weight"], eps) for row in x]
    if "lm_head.weight" in w:
        for row in x:
            record("lm_head.weight", row)


def grams(model):
    with open(os.path.join(model["path"], "config.json")) as f:
        config = json.load(f)
    weights = read_folder(model["path"])
    sums = {}
    counts = {}

    def record(name, row):
        n = len(row)
        g = sums.setdefault(name, [[0.0] * n for _ in range(n)])
        counts[name] = counts.get(name, 0) + 1
        for i in range(n):
            ri = row[i]
            gi = g[i]
            for j in range(n):
                gi[j] += ri * row[j]

    for window in model["windows"]:
        forward(config, weights, window, record)
    return weights, {name: [[v / counts[name] for v in r] for r in g] for name, g in sums.items()}


def solve(a, b):
    """Gauss-Jordan with partial pivoting: A X = B, A [n, n], B [n, m]."""
    n = len(a)
    a = [list(r) for r in a]
    b = [list(r) for r in b]
    for c in range(n):
        pivot = max(range(c, n), key=lambda r: abs(a[r][c]))
        a[c], a[pivot] = a[pivot], a[c]
        b[c], b[pivot] = b[pivot], b[c]
        d = a[c][c]
        for r in range(n):
            if r != c and a[r][c] != 0.0:
                f = a[r][c] / d
                a[r] = [x - f * y for x, y in zip(a[r], a[c])]
                b[r] = [x - f * y for x, y in zip(b[r], b[c])]
    return [[x / a[r][r] for x in b[r]] for r in range(n)]


def flat(t):
    return [v for row in t for v in row] if t and isinstance(t[0], list) else list(t)


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    ratio, relative_ridge = request["ratio"], request["ridge"]
    models = [grams(m) for m in request["models"]]
    merged = read_folder(request["merged"])
    errors, with_gram = {}, []
    for name, actual in merged.items():
        inputs = [w[name] for w, _ in models]
        if all(name in g for _, g in models):
            with_gram.append(name)
            gs = [g[name] for _, g in models]
            n, outputs = len(gs[0]), len(inputs[0])
            ridge = relative_ridge * max(g[i][i] for g in gs for i in range(n))
            lhs = [[0.0] * n for _ in range(n)]
            rhs = [[0.0] * outputs for _ in range(n)]
            for g, w in zip(gs, inputs):
                scaled = [[(g[r][c] if r == c else ratio * g[r][c]) + (ridge if r == c else 0.0) for c in range(n)] for r in range(n)]
                unridged = [[g[r][c] if r == c else ratio * g[r][c] for c in range(n)] for r in range(n)]
                for r in range(n):
                    lhs[r] = [x + y for x, y in zip(lhs[r], scaled[r])]
                    rhs[r] = [rhs[r][o] + sum(unridged[r][c] * w[o][c] for c in range(n)) for o in range(outputs)]
            solved = solve(lhs, rhs)
            expected = [[solved[c][o] for c in range(n)] for o in range(outputs)]
        else:
            columns = [flat(t) for t in inputs]
            expected = [sum(vals) / len(vals) for vals in zip(*columns)]
        e, a = flat(expected), flat(actual)
        scale = max(1.0, max(abs(v) for v in e))
        errors[name] = max(abs(x - y) for x, y in zip(a, e)) / scale
    print(json.dumps({"errors": errors, "with_gram": sorted(with_gram)}))


if __name__ == "__main__":
    main()
