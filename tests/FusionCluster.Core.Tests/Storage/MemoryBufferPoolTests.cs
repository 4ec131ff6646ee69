using System.Runtime.InteropServices;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Storage;

public sealed class MemoryBufferPoolTests
{
    [Fact]
    public void A_returned_buffer_is_rented_again_for_the_same_length_only()
    {
        var pool = new MemoryBufferPool(1000);
        var buffer = pool.Rent(100);
        Assert.Equal(100, buffer.Length);
        pool.Return(buffer);

        var other = pool.Rent(50);
        Assert.Equal(50, other.Length);
        Assert.Same(buffer, pool.Rent(100));
        Assert.NotSame(buffer, pool.Rent(100));
    }

    [Fact]
    public void Over_its_limit_it_lets_the_least_recently_returned_go()
    {
        var pool = new MemoryBufferPool(100);
        var (a, b, c) = (pool.Rent(60), pool.Rent(30), pool.Rent(50));
        pool.Return(a);
        pool.Return(b);
        // 60 + 30 + 50 > 100: a, returned first, makes room.
        pool.Return(c);

        Assert.NotSame(a, pool.Rent(60));
        Assert.Same(b, pool.Rent(30));
        Assert.Same(c, pool.Rent(50));
    }

    [Fact]
    public void A_buffer_larger_than_the_limit_is_not_kept_and_clearing_lets_every_buffer_go()
    {
        var pool = new MemoryBufferPool(100);
        var large = pool.Rent(101);
        var small = pool.Rent(10);
        pool.Return(small);
        pool.Return(large);

        Assert.NotSame(large, pool.Rent(101));
        pool.Clear();
        Assert.NotSame(small, pool.Rent(10));
    }

    [Fact]
    public void A_memory_writer_gives_its_buffer_back_once_however_often_it_is_disposed()
    {
        // Given back twice, two later writers would share one buffer and overwrite each other's tensor.
        var pool = new MemoryBufferPool(1 << 20);
        var tensor = new TensorPlan { Name = "w", Shape = [16], OutputDType = DType.BF16, ComputeDType = DType.F32, Kind = TensorKind.Merge, Inputs = [], ByteLength = 32 };
        var writer = new MemoryTensorWriter(tensor, pool);
        Assert.True(MemoryMarshal.TryGetArray(writer.Bytes, out var segment));
        Assert.Equal(32, writer.Bytes.Length);
        writer.Dispose();
        writer.Dispose();

        Assert.Same(segment.Array, pool.Rent(32));
        Assert.NotSame(segment.Array, pool.Rent(32));
    }
}
