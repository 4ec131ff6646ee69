using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Storage;

/// <summary>
/// Receives one output tensor into memory, encoded exactly as a staged shard would hold it, for units that score
/// a candidate instead of writing it. Thread-safe for disjoint ranges, as methods write chunks in parallel. Its bytes are
/// valid until it is disposed, which gives its buffer back to the pool it came from.
/// </summary>
public sealed class MemoryTensorWriter : TensorWriter, IDisposable
{
    private readonly TensorPlan tensor;
    private readonly byte[] bytes;
    private readonly MemoryBufferPool? pool;
    private MemorySink? sink;
    private int disposed;

    /// <param name="pool">Where the buffer comes from and goes back to; null for a buffer of its own.</param>
    public MemoryTensorWriter(TensorPlan tensor, MemoryBufferPool? pool = null)
    {
        this.tensor = tensor;
        if (tensor.ByteLength > Array.MaxLength)
        {
            throw new NotSupportedException($"tensor '{tensor.Name}' has {tensor.ByteLength} bytes, more than one in-memory buffer holds; scoring it in-job is not supported");
        }

        this.pool = pool;
        bytes = pool?.Rent((int)tensor.ByteLength) ?? new byte[tensor.ByteLength];
    }

    /// <summary>The tensor's bytes as written so far.</summary>
    public ReadOnlyMemory<byte> Bytes => bytes;

    public override TensorSink Sink => sink ??= new MemorySink(bytes, tensor.OutputDType);

    public override void WriteRaw(long byteStart, ReadOnlySpan<byte> raw)
    {
        StorageNames.CheckRange(tensor, byteStart, raw.Length);
        raw.CopyTo(bytes.AsSpan((int)byteStart));
    }

    public override Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Gives the buffer back (nothing to flush: disposing never waits).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            pool?.Return(bytes);
        }
    }

    private sealed class MemorySink(byte[] bytes, DType dtype) : TensorSink
    {
        private readonly int elementSize = dtype.ElementSize();

        public override void Write(long start, ReadOnlySpan<float> values)
        {
            var count = bytes.Length / elementSize;
            if (start < 0 || start > count - values.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(start), $"elements [{start}, {start + values.Length}) are outside the tensor's {count} elements");
            }

            DTypeCodec.Encode(dtype, values, bytes.AsSpan((int)(start * elementSize), values.Length * elementSize));
        }
    }
}
