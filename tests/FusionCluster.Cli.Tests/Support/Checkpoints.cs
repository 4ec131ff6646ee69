using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Reads tensors back from checkpoint folders as raw bytes or decoded bfloat16.</summary>
public static class Checkpoints
{
    public static byte[] RawBytes(CheckpointFolder folder, string tensor)
    {
        var entry = folder.GetEntry(tensor);
        var bytes = new byte[entry.ByteLength];
        folder.ReadRaw(tensor, 0, bytes);
        return bytes;
    }

    public static ushort[] Bf16Bits(CheckpointFolder folder, string tensor)
    {
        Assert.Equal(DType.BF16, folder.GetEntry(tensor).DType);
        return Bf16.FromBytes(RawBytes(folder, tensor));
    }

    public static double[] Bf16Values(CheckpointFolder folder, string tensor) =>
        Bf16Bits(folder, tensor).Select(b => (double)Bf16.ToFloat(b)).ToArray();

    /// <summary>The output must have no staged leftovers.</summary>
    public static void AssertNoStaging(string outputDirectory) =>
        Assert.False(Directory.Exists(Path.Combine(outputDirectory, ".fusion-staging")), $"{outputDirectory}/.fusion-staging was left behind");
}
