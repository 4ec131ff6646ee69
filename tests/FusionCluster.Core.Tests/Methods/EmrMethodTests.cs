using System.Buffers.Binary;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Methods;

public sealed class EmrMethodTests
{
    [Fact]
    public void Emr_writes_the_unified_model_and_each_tasks_packed_mask_and_statistics()
    {
        // base = 1; τ1 = [1, -3, 2, 0], τ2 = [4, 1, -2, 0] (EmrElectionTests' example): τ_uni = [4, -3, -2, 0], so the
        // checkpoint is [5, -2, -1, 1]; M1 = [1, 1, 0, 0] → bits 0b0011, M2 = [1, 0, 1, 0] → 0b0101;
        // statistics: task 1 mean|τ1| = 6/4, mean|M1 τ_uni| = 7/4; task 2 7/4 and 6/4.
        float[] baseValues = [1, 1, 1, 1];
        var models = new[] { new TestModel([2, -2, 3, 1]), new TestModel([5, 2, -1, 1]) };
        var writers = new[] { new MemoryTensorWriter(4, 16), new MemoryTensorWriter(0, 1), new MemoryTensorWriter(0, 16), new MemoryTensorWriter(0, 1), new MemoryTensorWriter(0, 16) };
        var output = new ArrayTensorSink(4);
        new EmrMethod().Merge(new MergeTensorContext
        {
            TensorName = "w",
            Shape = [4],
            Base = new ArrayTensorSource(baseValues, [4]),
            Models = models.Select((m, i) => new ModelTensor($"ft-{i + 1}", new ArrayTensorSource(m.Values, [4]), new Dictionary<string, double>())).ToList(),
            Parameters = new Dictionary<string, double>(),
            Output = output,
            Sidecars = writers,
        });

        Assert.Equal([5f, -2f, -1f, 1f], output.Values);
        Assert.Equal([4f, -3f, -2f, 0f], writers[0].Values);
        Assert.Equal([(byte)0b0011], writers[1].Bytes);
        Assert.Equal([(byte)0b0101], writers[3].Bytes);
        Assert.Equal([1.5, 1.75], Doubles(writers[2].Bytes));
        Assert.Equal([1.75, 1.5], Doubles(writers[4].Bytes));
    }

    [Fact]
    public void Masks_pack_element_k_into_bit_k_mod_8_of_byte_k_over_8()
    {
        var mask = new bool[11];
        mask[0] = mask[7] = mask[8] = mask[10] = true;
        Assert.Equal([(byte)0b1000_0001, (byte)0b0000_0101], EmrMethod.PackBits(mask));
    }

    private static double[] Doubles(byte[] bytes) =>
        [BinaryPrimitives.ReadDoubleLittleEndian(bytes), BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8))];
}
