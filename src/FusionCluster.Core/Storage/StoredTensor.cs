using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Storage;

/// <summary>One stored tensor, readable both decoded (as float32) and as its raw bytes.</summary>
public abstract class StoredTensor : TensorSource, IDisposable
{
    public abstract TensorEntry Entry { get; }

    public DType DType => Entry.DType;

    public override IReadOnlyList<long> Shape => Entry.Shape;

    /// <summary>Copies stored bytes [byteStart, byteStart + destination.Length).</summary>
    public abstract void ReadRaw(long byteStart, Span<byte> destination);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
