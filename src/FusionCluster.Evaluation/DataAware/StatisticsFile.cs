using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>One model's statistics as the bytes of a float32 safetensors file, the form a statistics unit stages them in.</summary>
public static class StatisticsFile
{
    public static byte[] Encode(NamedTensors statistics, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        // NamedTensors writes files; a unit's scratch file lives only until its bytes are read back.
        var scratch = Path.Combine(Path.GetTempPath(), $"fusion-statistics-{Guid.NewGuid():n}.safetensors");
        try
        {
            statistics.Save(scratch, metadata);
            return File.ReadAllBytes(scratch);
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>Every tensor of the file, by name.</summary>
    /// <param name="what">Names the file in errors.</param>
    /// <exception cref="SafetensorsFormatException">The bytes are not a float32 safetensors file.</exception>
    public static Dictionary<string, ArrayTensorSource> Decode(byte[] bytes, string what)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
        {
            throw new SafetensorsFormatException(what, null, $"{bytes.Length} bytes is too short for a safetensors file");
        }

        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 0 || headerLength > bytes.Length - 8)
        {
            throw new SafetensorsFormatException(what, null, $"header length {headerLength} runs past the end of the {bytes.Length}-byte file");
        }

        var header = SafetensorsHeader.Parse(bytes.AsMemory(8, (int)headerLength), bytes.Length, what);
        var tensors = new Dictionary<string, ArrayTensorSource>(StringComparer.Ordinal);
        foreach (var entry in header.Tensors)
        {
            if (entry.DType != DType.F32)
            {
                throw new SafetensorsFormatException(what, entry.Name, $"statistics are float32, got {entry.DType}");
            }

            var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)entry.DataOffset, (int)entry.ByteLength)).ToArray();
            tensors[entry.Name] = new ArrayTensorSource(values, entry.Shape);
        }

        return tensors;
    }
}
