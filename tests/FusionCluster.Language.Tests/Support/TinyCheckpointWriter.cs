using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FusionCluster.Language.Tests.Support;

/// <summary>Writes checkpoint folders (config.json + model.safetensors) by hand, without the repository's writer.</summary>
public static class TinyCheckpointWriter
{
    /// <summary>
    /// Random weights for every tensor of <paramref name="spec"/> (norm weights around 1, others around 0),
    /// rounded to bf16 when <paramref name="bfloat16"/> so the returned values are exactly what is stored.
    /// </summary>
    public static Dictionary<string, float[]> RandomWeights(TinyDecoderSpec spec, int seed, bool bfloat16)
    {
        var random = new Random(seed);
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, shape) in spec.Tensors())
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            var isNorm = name.Contains("norm", StringComparison.Ordinal);
            for (var i = 0; i < values.Length; i++)
            {
                var value = (float)((random.NextDouble() * 2) - 1) * (isNorm ? 0.3f : 0.5f) + (isNorm ? 1f : 0f);
                values[i] = bfloat16 ? RoundToBFloat16(value) : value;
            }

            weights[name] = values;
        }

        return weights;
    }

    public static void Write(string folder, TinyDecoderSpec spec, IReadOnlyDictionary<string, float[]> weights, bool bfloat16)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), spec.ConfigJson());
        WriteSafetensors(Path.Combine(folder, "model.safetensors"), spec.Tensors(), weights, bfloat16);
    }

    public static void WriteSafetensors(string path, IReadOnlyList<(string Name, long[] Shape)> tensors, IReadOnlyDictionary<string, float[]> weights, bool bfloat16)
    {
        var elementSize = bfloat16 ? 2 : 4;
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = weights[name].Length * elementSize;
            header.Append(CultureInfo.InvariantCulture, $"\"{name}\":{{\"dtype\":\"{(bfloat16 ? "BF16" : "F32")}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}},");
            offset += bytes;
        }

        header.Length--;
        header.Append('}');
        var data = new byte[offset];
        var position = 0;
        foreach (var (name, _) in tensors)
        {
            foreach (var value in weights[name])
            {
                if (bfloat16)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(position), (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16));
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(position), value);
                }

                position += elementSize;
            }
        }

        HandMadeSafetensors.Write(path, header.ToString(), data);
    }

    /// <summary>Truncates to bf16 (keeps the top 16 bits), so the value survives a bf16 round trip exactly.</summary>
    public static float RoundToBFloat16(float value) => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(value) & 0xFFFF0000u);
}
