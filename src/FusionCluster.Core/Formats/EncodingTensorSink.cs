using System.Buffers;
using System.Runtime.InteropServices;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Formats;

/// <summary>
/// Writes float32 chunks of one tensor into a pre-sized file, encoded to the tensor's stored dtype, with
/// positioned writes. Thread-safe for disjoint ranges; the file handle is not owned.
/// </summary>
public sealed class EncodingTensorSink : TensorSink
{
    private const int ChunkElements = 1 << 18;

    private readonly SafeFileHandle file;
    private readonly long dataOffset;
    private readonly int elementSize;

    /// <param name="file">A handle opened for writing.</param>
    /// <param name="dataOffset">Absolute offset of the tensor's first element.</param>
    /// <param name="dtype">Stored dtype; must be encodable (not F8).</param>
    /// <param name="elementCount">When given, writes outside [0, elementCount) are rejected.</param>
    public EncodingTensorSink(SafeFileHandle file, long dataOffset, DType dtype, long? elementCount = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(dataOffset);
        if (!dtype.CanEncode())
        {
            throw new NotSupportedException($"cannot encode float32 to {dtype.SafetensorsName()}; such tensors are copied through");
        }

        this.file = file;
        this.dataOffset = dataOffset;
        DType = dtype;
        ElementCount = elementCount;
        elementSize = dtype.ElementSize();
    }

    public DType DType { get; }

    public long? ElementCount { get; }

    public override void Write(long start, ReadOnlySpan<float> values)
    {
        if (start < 0 || (ElementCount is { } count && start > count - values.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"elements [{start}, {start + values.Length}) are outside the tensor's {ElementCount} elements");
        }

        if (values.IsEmpty)
        {
            return;
        }

        if (DType == DType.F32 && BitConverter.IsLittleEndian)
        {
            RandomAccess.Write(file, MemoryMarshal.AsBytes(values), dataOffset + (start * 4));
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(values.Length, ChunkElements) * elementSize);
        try
        {
            for (var done = 0; done < values.Length; done += ChunkElements)
            {
                var n = Math.Min(ChunkElements, values.Length - done);
                var bytes = buffer.AsSpan(0, n * elementSize);
                DTypeCodec.Encode(DType, values.Slice(done, n), bytes);
                RandomAccess.Write(file, bytes, dataOffset + ((start + done) * elementSize));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
