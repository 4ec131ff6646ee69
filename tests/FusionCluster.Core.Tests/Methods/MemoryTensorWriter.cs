using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>A sidecar writer that keeps the floats or raw bytes written to it.</summary>
internal sealed class MemoryTensorWriter(long elements, long bytes) : TensorWriter
{
    private readonly ArrayTensorSink sink = new(elements);

    public byte[] Bytes { get; } = new byte[bytes];

    public float[] Values => sink.Values;

    public override TensorSink Sink => sink;

    public override void WriteRaw(long byteStart, ReadOnlySpan<byte> bytes) => bytes.CopyTo(Bytes.AsSpan((int)byteStart));

    public override Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
