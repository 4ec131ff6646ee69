using System.Buffers.Binary;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Inputs with NaN in them, for merges that must refuse to carry them into an output.</summary>
public static class PoisonedModels
{
    /// <summary>A copy of ft-2 with bf16 NaN at the given elements of <paramref name="tensor"/>.</summary>
    public static string Write(SyntheticModels models, string folder, string tensor, long[] elements)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(models.Folder("ft-2")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var weights = Path.Combine(folder, "model.safetensors");
        TensorEntry entry;
        using (var file = SafetensorsFile.Open(weights))
        {
            entry = file.GetEntry(tensor);
        }

        using var stream = new FileStream(weights, FileMode.Open, FileAccess.Write);
        Span<byte> nan = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(nan, 0x7FC0);
        foreach (var element in elements)
        {
            Assert.InRange(element, 0, entry.ElementCount - 1);
            stream.Position = entry.DataOffset + (element * 2);
            stream.Write(nan);
        }

        return folder;
    }
}
