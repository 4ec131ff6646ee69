namespace FusionCluster.Core.Tensors;

/// <summary>Sizes, names and merge rules of <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    /// <summary>Bytes per element as stored in a safetensors file.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.F64 or DType.I64 => 8,
        DType.F32 or DType.I32 => 4,
        DType.F16 or DType.BF16 or DType.I16 => 2,
        DType.I8 or DType.U8 or DType.Bool or DType.F8E4M3 or DType.F8E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>The dtype string used in safetensors headers ("BF16", "F8_E4M3", ...).</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.F64 => "F64",
        DType.F32 => "F32",
        DType.F16 => "F16",
        DType.BF16 => "BF16",
        DType.I64 => "I64",
        DType.I32 => "I32",
        DType.I16 => "I16",
        DType.I8 => "I8",
        DType.U8 => "U8",
        DType.Bool => "BOOL",
        DType.F8E4M3 => "F8_E4M3",
        DType.F8E5M2 => "F8_E5M2",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>Parses a safetensors header dtype. Exact and case-sensitive, as the format defines it.</summary>
    public static bool TryParseSafetensorsName(string? name, out DType dtype)
    {
        switch (name)
        {
            case "F64": dtype = DType.F64; return true;
            case "F32": dtype = DType.F32; return true;
            case "F16": dtype = DType.F16; return true;
            case "BF16": dtype = DType.BF16; return true;
            case "I64": dtype = DType.I64; return true;
            case "I32": dtype = DType.I32; return true;
            case "I16": dtype = DType.I16; return true;
            case "I8": dtype = DType.I8; return true;
            case "U8": dtype = DType.U8; return true;
            case "BOOL": dtype = DType.Bool; return true;
            case "F8_E4M3": dtype = DType.F8E4M3; return true;
            case "F8_E5M2": dtype = DType.F8E5M2; return true;
            default: dtype = default; return false;
        }
    }

    public static DType ParseSafetensorsName(string name) =>
        TryParseSafetensorsName(name, out var dtype)
            ? dtype
            : throw new FormatException($"Unknown safetensors dtype '{name}'.");

    /// <summary>
    /// Parses a dtype as written in merge configs and config.json ("bfloat16", "torch.float16", "fp32", ...).
    /// Case-insensitive; safetensors names are accepted too.
    /// </summary>
    public static bool TryParseSpecName(string? name, out DType dtype)
    {
        dtype = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var s = name.Trim().ToLowerInvariant();
        if (s.StartsWith("torch.", StringComparison.Ordinal))
        {
            s = s["torch.".Length..];
        }

        switch (s)
        {
            case "float64" or "double" or "fp64" or "f64": dtype = DType.F64; return true;
            case "float32" or "float" or "fp32" or "f32": dtype = DType.F32; return true;
            case "float16" or "half" or "fp16" or "f16": dtype = DType.F16; return true;
            case "bfloat16" or "bf16": dtype = DType.BF16; return true;
            case "int64" or "long" or "i64": dtype = DType.I64; return true;
            case "int32" or "int" or "i32": dtype = DType.I32; return true;
            case "int16" or "short" or "i16": dtype = DType.I16; return true;
            case "int8" or "i8": dtype = DType.I8; return true;
            case "uint8" or "u8": dtype = DType.U8; return true;
            case "bool": dtype = DType.Bool; return true;
            case "float8_e4m3fn" or "float8_e4m3" or "f8_e4m3": dtype = DType.F8E4M3; return true;
            case "float8_e5m2" or "f8_e5m2": dtype = DType.F8E5M2; return true;
            default: return false;
        }
    }

    public static DType ParseSpecName(string name) =>
        TryParseSpecName(name, out var dtype)
            ? dtype
            : throw new FormatException(
                $"Unknown dtype '{name}'; expected one of float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool.");

    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.F64 or DType.F32 or DType.F16 or DType.BF16 or DType.F8E4M3 or DType.F8E5M2;

    /// <summary>
    /// Whether merge methods may combine tensors of this dtype. Integer, bool and F8 tensors (quantization
    /// scales, index buffers, ...) lose meaning when averaged, so they are copied through from one model.
    /// </summary>
    public static bool CanMerge(this DType dtype) =>
        dtype is DType.F64 or DType.F32 or DType.F16 or DType.BF16;

    /// <summary>Whether <see cref="DTypeCodec.Encode"/> can write this dtype.</summary>
    public static bool CanEncode(this DType dtype) => dtype is not (DType.F8E4M3 or DType.F8E5M2);
}
