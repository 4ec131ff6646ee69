using System.Buffers.Binary;
using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Tests.Formats;

public sealed class FileTensorSourceTests : IDisposable
{
    private const string Tensor = "model.layers.0.mlp.up_proj.weight";

    /// <summary>Longer than the source's 128 KiB pieces in bf16 (65,536 elements), so reads cross pieces.</summary>
    private const int Elements = 200_003;

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Bfloat16_values_decode_to_their_bits_shifted_into_float32_across_pieces()
    {
        var bits = new ushort[Elements];
        var random = new Random(7);
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)random.Next(0, 0x7F80); // finite, positive and negative exponents alike
            bits[i] |= (ushort)(random.Next(2) << 15);
        }

        var data = new byte[bits.Length * 2];
        for (var i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), bits[i]);
        }

        using var file = SafetensorsFile.Open(Write("BF16", data));
        using var source = file.OpenTensor(Tensor);
        const int start = 65_530; // six elements before the first piece's end
        var values = new float[131_080];
        source.Read(start, values);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal((uint)bits[start + i] << 16, BitConverter.SingleToUInt32Bits(values[i]));
        }
    }

    [Fact]
    public void Float32_values_are_read_as_stored()
    {
        var expected = Enumerable.Range(0, Elements).Select(i => (i * 0.37f) - 1000f).ToArray();
        using var file = SafetensorsFile.Open(Write("F32", HandMadeSafetensors.Floats(expected)));
        using var source = file.OpenTensor(Tensor);
        var values = new float[100_000];
        source.Read(12_345, values);
        Assert.Equal(expected.AsSpan(12_345, values.Length).ToArray(), values);
    }

    [Fact]
    public void A_tensor_stays_readable_after_its_file_is_disposed()
    {
        var file = SafetensorsFile.Open(Write("F32", HandMadeSafetensors.Floats(Enumerable.Range(0, Elements).Select(i => (float)i).ToArray())));
        using var source = file.OpenTensor(Tensor);
        file.Dispose();
        var values = new float[3];
        source.Read(Elements - 3, values);
        Assert.Equal([Elements - 3, Elements - 2, Elements - 1], values);
    }

    [Fact]
    public void A_file_truncated_after_opening_fails_naming_the_file_and_tensor()
    {
        // A memory mapping would kill the process with SIGBUS here; positional reads see the end of the file.
        var path = Write("F32", HandMadeSafetensors.Floats(new float[Elements]));
        using var file = SafetensorsFile.Open(path);
        using var source = file.OpenTensor(Tensor);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length / 2);
        }

        var error = Assert.Throws<SafetensorsFormatException>(() => source.Read(Elements - 10, new float[10]));
        Assert.Contains(path, error.Message);
        Assert.Contains(Tensor, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_disposed_tensor_refuses_to_read()
    {
        using var file = SafetensorsFile.Open(Write("F32", HandMadeSafetensors.Floats(new float[Elements])));
        var source = file.OpenTensor(Tensor);
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.Read(0, new float[1]));
    }

    private string Write(string dtype, byte[] data) => HandMadeSafetensors.Write(
        temp.File("model.safetensors"),
        $$$"""{"{{{Tensor}}}":{"dtype":"{{{dtype}}}","shape":[{{{Elements}}}],"data_offsets":[0,{{{data.Length}}}]}}""",
        data);
}
