using System.Buffers.Binary;
using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Tests.Formats;

public sealed class CheckpointNonFiniteTests : IDisposable
{
    /// <summary>More than the search's 2^20-element chunks, so a value in the second and at the very end is counted.</summary>
    private const int Elements = 2_100_000;

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_first_tensor_with_nan_or_infinity_is_named_with_its_count_across_chunks()
    {
        var bf16 = new byte[Elements * 2];
        Set(bf16, 5, 0x7FC0); // NaN
        Set(bf16, 1_048_580, 0x7F80); // +inf, in the second chunk
        Set(bf16, Elements - 1, 0xFF80); // -inf, the last element
        var later = new byte[4];
        Set(later, 0, 0x7FC0);
        var f64Nan = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64Nan, double.NaN);
        var finite = HandMadeSafetensors.Floats(1, -2, 3);
        Write(
            ("a.weight", "F32", "[3]", finite),
            ("b.weight", "F64", "[1]", f64Nan),
            ("c.weight", "BF16", $"[1,{Elements}]", bf16),
            ("d.weight", "BF16", "[2]", later));

        using var checkpoint = CheckpointFolder.Open(temp.Path);

        Assert.Equal(("c.weight", 3L), CheckpointNonFinite.FindFirst(checkpoint, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Finite_weights_and_a_float64_nan_find_nothing()
    {
        var f64Nan = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64Nan, double.NaN);
        Write(("a.weight", "F32", "[3]", HandMadeSafetensors.Floats(float.MaxValue, float.Epsilon, -0f)), ("b.weight", "F64", "[1]", f64Nan));

        using var checkpoint = CheckpointFolder.Open(temp.Path);

        Assert.Null(CheckpointNonFinite.FindFirst(checkpoint, TestContext.Current.CancellationToken));
    }

    private static void Set(byte[] bf16, int element, ushort bits) => BinaryPrimitives.WriteUInt16LittleEndian(bf16.AsSpan(element * 2), bits);

    private void Write(params (string Name, string DType, string Shape, byte[] Data)[] tensors)
    {
        var offset = 0;
        var entries = new List<string>();
        foreach (var (name, dtype, shape, data) in tensors)
        {
            entries.Add($$"""
                "{{name}}":{"dtype":"{{dtype}}","shape":{{shape}},"data_offsets":[{{offset}},{{offset + data.Length}}]}
                """);
            offset += data.Length;
        }

        HandMadeSafetensors.Write(temp.File("model.safetensors"), "{" + string.Join(",", entries) + "}", [.. tensors.SelectMany(t => t.Data)]);
    }
}
