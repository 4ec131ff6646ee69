# An independent EMR-Merging (Huang et al., NeurIPS 2024; FusionBench's emr_merge) in plain Python (no numpy needed),
# checking a fusion emr output: python3 EmrOracle.py ROOT OUT ORACLE TASK...
# ROOT holds base/ and the task folders as float32 single-file checkpoints. float32 arithmetic is done in double and
# rounded through array("f"), which gives the correctly rounded float32 result of +, - and * of float32 operands.
# Writes ORACLE/<task>/ (task t's model rebuilt from OUT's files by the documented rule) and prints one JSON line.
import json
import os
import shutil
import struct
import sys
from array import array

CODES = {"F32": "f", "F64": "d", "U8": "B"}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    start = 8 + n
    tensors = {}
    for k, v in header.items():
        values = array(CODES[v["dtype"]])
        values.frombytes(data[start + v["data_offsets"][0]:start + v["data_offsets"][1]])
        tensors[k] = (values, v["shape"])
    return tensors, meta


def write(path, tensors):
    header, blobs, offset = {}, [], 0
    for k, (values, shape) in tensors.items():
        b = array("f", values).tobytes()
        header[k] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def f32(values):
    return array("f", values)


def bits(packed, n):
    return [(packed[k >> 3] >> (k & 7)) & 1 == 1 for k in range(n)]


root, out, oracle = sys.argv[1:4]
tasks = sys.argv[4:]
base, _ = read(os.path.join(root, "base", "model.safetensors"))
fine = [read(os.path.join(root, t, "model.safetensors"))[0] for t in tasks]
checkpoint, _ = read(os.path.join(out, "model.safetensors"))
unified, _ = read(os.path.join(out, "emr-unified.safetensors"))
files = [read(os.path.join(out, "emr-task-%02d.safetensors" % (i + 1))) for i in range(len(tasks))]

result = {"tasks": [meta.get("emr_task") for _, meta in files], "tensors": len(base), "unified_tensors": len(unified),
          "checkpoint_ok": True, "unified_ok": True, "masks_ok": True, "stats_rel_err": 0.0}
numerator = [0.0] * len(tasks)
denominator = [0.0] * len(tasks)
elected = {}
for name, (b, shape) in base.items():
    n = len(b)
    taus = [f32([x - y for x, y in zip(f[name][0], b)]) for f in fine]  # float32, as the merge computes task vectors
    sign = [1.0 if sum(t[k] for t in taus) > 0 else -1.0 for k in range(n)]  # a zero sum counts as negative
    masks = [[t[k] * sign[k] > 0 for k in range(n)] for t in taus]
    tau_uni = f32([sign[k] * max([abs(t[k]) for t, m in zip(taus, masks) if m[k]], default=0.0) for k in range(n)])
    result["checkpoint_ok"] &= checkpoint[name][0] == f32([x + y for x, y in zip(b, tau_uni)])
    result["unified_ok"] &= unified[name][0] == tau_uni
    for i, (t, m) in enumerate(zip(taus, masks)):
        tensors, _ = files[i]
        result["masks_ok"] &= bits(tensors[name][0], n) == m
        mean_task = sum(abs(x) for x in t) / n
        mean_masked = sum(abs(u) for u, keep in zip(tau_uni, m) if keep) / n
        stored = tensors[name + ".emr_abs"][0]
        for a, e in ((stored[0], mean_task), (stored[1], mean_masked)):
            result["stats_rel_err"] = max(result["stats_rel_err"], abs(a - e) / max(abs(e), 1e-300))
        numerator[i] += mean_task
        denominator[i] += mean_masked
    elected[name] = (masks, tau_uni)

rescalers = [a / b for a, b in zip(numerator, denominator)]
result["rescalers"] = dict(zip(tasks, rescalers))
result["semantic_max_abs_err"] = 0.0
for i, task in enumerate(tasks):
    folder = os.path.join(oracle, task)
    os.makedirs(folder)
    shutil.copy(os.path.join(out, "config.json"), folder)
    model = {}
    for name, (c, shape) in checkpoint.items():
        m = bits(files[i][0][name][0], len(c))
        u = unified[name][0]
        rebuilt = f32([x - y for x, y in zip(c, u)])
        scaled = f32([rescalers[i] * y for y in u])
        model[name] = (f32([x + s if keep else x for x, s, keep in zip(rebuilt, scaled, m)]), shape)
        # The paper's task model, base + λ_t·M_t ⊙ τ_uni, from the inputs: equal up to the float32 rounding of C - τ_uni.
        masks, tau_uni = elected[name]
        paper = [x + (rescalers[i] * y if keep else 0.0) for x, y, keep in zip(base[name][0], tau_uni, masks[i])]
        result["semantic_max_abs_err"] = max([result["semantic_max_abs_err"]] + [abs(a - e) for a, e in zip(model[name][0], paper)])
    write(os.path.join(folder, "model.safetensors"), model)
print(json.dumps(result))
