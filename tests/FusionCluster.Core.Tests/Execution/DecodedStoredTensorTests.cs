using System.Buffers;
using System.Buffers.Binary;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Execution;

public sealed class DecodedStoredTensorTests
{
    // Three decode chunks and a tail, so the parallel first decode covers chunk edges.
    private const int Elements = (3 << 20) + 5;

    /// <summary>bf16 bits of element i: 1.0 upward in steps of the bf16 mantissa, wrapping every 1000 elements; the sign flips on odd i.</summary>
    private static ushort Bits(int i) => (ushort)((0x3F80 + (i % 1000)) | (i % 2 == 1 ? 0x8000 : 0));

    /// <summary>bf16 is the upper half of a float32: the expected value, written without the codec.</summary>
    private static float Expected(int i) => BitConverter.UInt32BitsToSingle((uint)Bits(i) << 16);

    private static BufferedTensor Stored()
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Elements * 2);
        for (var i = 0; i < Elements; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), Bits(i));
        }

        return new BufferedTensor(new TensorEntry("layers.0.w", DType.BF16, [Elements], 0, Elements * 2L), bytes, "model.safetensors");
    }

    [Fact]
    public void Reads_from_many_threads_give_the_stored_values_and_raw_reads_the_stored_bytes()
    {
        using var decoded = new DecodedStoredTensor(Stored());
        Assert.Equal(Elements * 4L, decoded.DecodedBytes);

        // The first reads race to decode; every one of them must see the whole tensor decoded.
        var starts = Enumerable.Range(0, 16).Select(k => (long)k * (Elements / 16)).Append(Elements - 7L).ToArray();
        Parallel.ForEach(starts, start =>
        {
            var length = (int)Math.Min(70_001, Elements - start);
            var values = new float[length];
            decoded.Read(start, values);
            for (var j = 0; j < length; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(Expected((int)start + j)), BitConverter.SingleToInt32Bits(values[j]));
            }
        });

        var raw = new byte[6];
        decoded.ReadRaw(2 * 1001L, raw);
        Assert.Equal([(byte)Bits(1001), (byte)(Bits(1001) >> 8), (byte)Bits(1002), (byte)(Bits(1002) >> 8), (byte)Bits(1003), (byte)(Bits(1003) >> 8)], raw);
    }

    [Fact]
    public void A_read_outside_the_tensor_names_it_and_a_disposed_tensor_refuses_reads()
    {
        var decoded = new DecodedStoredTensor(Stored());
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => decoded.Read(Elements - 2, new float[3]));
        Assert.Contains("layers.0.w", outside.Message, StringComparison.Ordinal);

        decoded.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decoded.Read(0, new float[3]));
    }
}
