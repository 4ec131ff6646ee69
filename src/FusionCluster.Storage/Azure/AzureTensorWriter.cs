using Azure.Storage.Blobs.Specialized;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// Collects one output tensor in memory (its byte length, in pooled block-sized buffers) and, on
/// <see cref="CompleteAsync"/>, stages it as uncommitted blocks of its shard blob, a few in parallel.
/// The block IDs depend only on the job, the tensor's offset and the part number, so writing the tensor
/// again (a retried unit, another silo) re-stages the same IDs with the same bytes.
/// </summary>
internal sealed class AzureTensorWriter : TensorWriter
{
    private readonly BlockBlobClient blob;
    private readonly string path;
    private readonly TensorPlan tensor;
    private readonly string jobTag;
    private readonly AzureBlobStoreOptions options;
    private readonly StagedTensorBuffer buffer;
    private StagedTensorSink? sink;

    public AzureTensorWriter(BlockBlobClient blob, string path, TensorPlan tensor, string jobTag, AzureBlobStoreOptions options)
    {
        this.blob = blob;
        this.path = path;
        this.tensor = tensor;
        this.jobTag = jobTag;
        this.options = options;
        buffer = new StagedTensorBuffer(tensor.ByteLength, options.BlockBytes);
    }

    public override TensorSink Sink => sink ??= new StagedTensorSink(buffer, tensor.OutputDType, tensor.ElementCount);

    public override void WriteRaw(long byteStart, ReadOnlySpan<byte> bytes)
    {
        StorageNames.CheckRange(tensor, byteStart, bytes.Length);
        buffer.Write(byteStart, bytes);
    }

    public override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.StageConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, buffer.PartCount), parallel, async (part, token) =>
        {
            var id = BlockIds.For(jobTag, tensor.Offset, part);
            try
            {
                using var content = buffer.OpenPart(part);
                await blob.StageBlockAsync(id, content, options: null, token);
            }
            catch (Exception e) when (e is global::Azure.RequestFailedException or AggregateException)
            {
                throw AzureErrors.Wrap($"{path}: staging tensor '{tensor.Name}' (block {part + 1} of {buffer.PartCount})", e);
            }
        });
    }

    public override ValueTask DisposeAsync()
    {
        buffer.Dispose();
        return ValueTask.CompletedTask;
    }
}
