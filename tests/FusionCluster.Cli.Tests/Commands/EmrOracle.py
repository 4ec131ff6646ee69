# An independent EMR-Merging (Huang et al., NeurIPS 2024; FusionBench's emr_merge) in numpy, checking a fusion emr output:
# python3 EmrOracle.py ROOT OUT ORACLE TASK...  (ROOT holds base/ and the task folders, float32 single-file checkpoints).
# Writes ORACLE/<task>/ (task t's model rebuilt from OUT's files by the documented rule) and prints one JSON line.
import json
import os
import shutil
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "U8": np.uint8}


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    start = 8 + n
    tensors = {k: np.frombuffer(data[start + v["data_offsets"][0]:start + v["data_offsets"][1]], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
               for k, v in header.items()}
    return tensors, meta


def write(path, tensors):
    header, blobs, offset = {}, [], 0
    for k, v in tensors.items():
        b = np.ascontiguousarray(v, dtype=np.float32).tobytes()
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


root, out, oracle = sys.argv[1:4]
tasks = sys.argv[4:]
base, _ = read(os.path.join(root, "base", "model.safetensors"))
fine = [read(os.path.join(root, t, "model.safetensors"))[0] for t in tasks]
checkpoint, _ = read(os.path.join(out, "model.safetensors"))
unified, _ = read(os.path.join(out, "emr-unified.safetensors"))
files = [read(os.path.join(out, "emr-task-%02d.safetensors" % (i + 1))) for i in range(len(tasks))]

result = {"tasks": [meta.get("emr_task") for _, meta in files], "tensors": len(base), "unified_tensors": len(unified),
          "checkpoint_ok": True, "unified_ok": True, "masks_ok": True, "stats_rel_err": 0.0}
numerator = np.zeros(len(tasks))
denominator = np.zeros(len(tasks))
expected_models = [{} for _ in tasks]
for name, b in base.items():
    taus = [f[name] - b for f in fine]  # float32, as the merge computes task vectors
    total = np.zeros(b.shape, dtype=np.float64)
    for t in taus:
        total += t.astype(np.float64)
    sign = np.where(total > 0, np.float32(1), np.float32(-1))  # a zero sum counts as negative
    masks = [(t * sign) > 0 for t in taus]
    magnitude = np.zeros_like(b)
    for t, m in zip(taus, masks):
        magnitude = np.maximum(magnitude, np.where(m, np.abs(t), np.float32(0)))
    tau_uni = sign * magnitude
    result["checkpoint_ok"] &= bool(np.array_equal(checkpoint[name], b + tau_uni))
    result["unified_ok"] &= bool(np.array_equal(unified[name], tau_uni))
    for i, (t, m) in enumerate(zip(taus, masks)):
        tensors, _ = files[i]
        bits = np.unpackbits(tensors[name], bitorder="little")[:m.size].astype(bool).reshape(m.shape)
        result["masks_ok"] &= bool(np.array_equal(bits, m))
        mean_task = np.abs(t).astype(np.float64).mean()
        mean_masked = np.abs(np.where(m, tau_uni, np.float32(0))).astype(np.float64).mean()
        stored = tensors[name + ".emr_abs"]
        for a, e in ((stored[0], mean_task), (stored[1], mean_masked)):
            result["stats_rel_err"] = max(result["stats_rel_err"], abs(a - e) / max(abs(e), 1e-300))
        numerator[i] += mean_task
        denominator[i] += mean_masked
        expected_models[i][name] = (m, tau_uni)

rescalers = numerator / denominator
result["rescalers"] = dict(zip(tasks, rescalers.tolist()))
result["semantic_max_abs_err"] = 0.0
for i, task in enumerate(tasks):
    folder = os.path.join(oracle, task)
    os.makedirs(folder)
    shutil.copy(os.path.join(out, "config.json"), folder)
    model = {}
    for name, c in checkpoint.items():
        m = np.unpackbits(files[i][0][name], bitorder="little")[:c.size].astype(bool).reshape(c.shape)
        u = unified[name]
        b = c - u
        model[name] = np.where(m, b + (rescalers[i] * u.astype(np.float64)).astype(np.float32), b)
        # The paper's task model, base + λ_t·M_t ⊙ τ_uni, from the inputs: equal up to the float32 rounding of C - τ_uni.
        mask, tau_uni = expected_models[i][name]
        paper = base[name].astype(np.float64) + rescalers[i] * np.where(mask, tau_uni, 0).astype(np.float64)
        result["semantic_max_abs_err"] = max(result["semantic_max_abs_err"], float(np.max(np.abs(model[name] - paper))))
    write(os.path.join(folder, "model.safetensors"), model)
print(json.dumps(result))
