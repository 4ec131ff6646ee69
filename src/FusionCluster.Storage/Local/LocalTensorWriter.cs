using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Storage.Local;

/// <summary>Writes one tensor into its pre-sized staged shard with positioned writes.</summary>
public sealed class LocalTensorWriter : TensorWriter
{
    private readonly SafeFileHandle handle;
    private readonly TensorPlan tensor;
    private EncodingTensorSink? sink;

    public LocalTensorWriter(string shardPath, TensorPlan tensor)
    {
        this.tensor = tensor;
        handle = File.OpenHandle(shardPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
    }

    public override TensorSink Sink => sink ??= new EncodingTensorSink(handle, tensor.Offset, tensor.OutputDType, tensor.ElementCount);

    public override void WriteRaw(long byteStart, ReadOnlySpan<byte> bytes)
    {
        StorageNames.CheckRange(tensor, byteStart, bytes.Length);
        RandomAccess.Write(handle, bytes, tensor.Offset + byteStart);
    }

    public override Task CompleteAsync(CancellationToken cancellationToken)
    {
        // Complete: the disk may start on it now rather than when publishing flushes (a job still computing leaves it idle).
        WriteBack.Start(handle, tensor.Offset, tensor.ByteLength);
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        handle.Dispose();
        return ValueTask.CompletedTask;
    }
}
