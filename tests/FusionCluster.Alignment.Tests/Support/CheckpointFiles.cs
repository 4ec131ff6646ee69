using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Tests.Support;

/// <summary>Writes small checkpoint folders (one model.safetensors, config.json, a tokenizer file) for tests.</summary>
internal static class CheckpointFiles
{
    public static void Write(string folder, JsonObject config, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors, DType dtype)
    {
        Directory.CreateDirectory(folder);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var layout = SafetensorsLayout.Compute(names.Select(n => new TensorDescriptor(n, dtype, tensors[n].Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var name in names)
            {
                var bytes = new byte[layout.GetEntry(name).ByteLength];
                DTypeCodec.Encode(dtype, tensors[name].Values, bytes);
                writer.WriteRaw(name, 0, bytes);
            }
        }

        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), """{"model": {"vocab": {}}}""");
    }

    /// <summary>Every tensor's stored bytes.</summary>
    public static Dictionary<string, byte[]> StoredBytes(string folder)
    {
        using var checkpoint = CheckpointFolder.Open(folder);
        return checkpoint.TensorNames.ToDictionary(
            n => n,
            n =>
            {
                var bytes = new byte[checkpoint.GetEntry(n).ByteLength];
                checkpoint.ReadRaw(n, 0, bytes);
                return bytes;
            });
    }
}
