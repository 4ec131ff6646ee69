using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Storage;

/// <summary>
/// Receives one output tensor, either as float32 chunks through <see cref="Sink"/> (encoded to the
/// tensor's dtype) or as raw stored bytes through <see cref="WriteRaw"/>, then <see cref="CompleteAsync"/>.
/// </summary>
public abstract class TensorWriter : IAsyncDisposable
{
    public abstract TensorSink Sink { get; }

    public abstract void WriteRaw(long byteStart, ReadOnlySpan<byte> bytes);

    /// <summary>Makes the written bytes durable in the staged output.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
