using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>
/// A stored tensor decoded to float32 once, on its first <see cref="Read"/>, and then read from memory: a shared unit's
/// candidates read the same inputs (a sweep's ten points over one base and its models), and decoding them once for all
/// of them saves the decode per candidate. Reads give the same values as the stored tensor's; raw reads pass through.
/// Holds <c>4 × ElementCount</c> bytes until disposed; disposing disposes the stored tensor.
/// </summary>
internal sealed class DecodedStoredTensor(StoredTensor stored) : StoredTensor
{
    /// <summary>Elements decoded per task when the tensor is first read: a decode of 4 MiB of floats keeps all cores busy on large tensors.</summary>
    private const int DecodeChunkElements = 1 << 20;

    private readonly Lock decoding = new();
    private float[]? values;
    private bool disposed;

    public override TensorEntry Entry => stored.Entry;

    /// <summary>The bytes holding the decoded values takes.</summary>
    public long DecodedBytes => Entry.ElementCount * sizeof(float);

    public override void Read(long start, Span<float> destination)
    {
        if (start < 0 || start > Entry.ElementCount - destination.Length)
        {
            // The stored tensor names the tensor and the range in its message.
            stored.Read(start, destination);
            return;
        }

        Values().AsSpan((int)start, destination.Length).CopyTo(destination);
    }

    public override void ReadRaw(long byteStart, Span<byte> destination) => stored.ReadRaw(byteStart, destination);

    protected override void Dispose(bool disposing)
    {
        lock (decoding)
        {
            disposed = true;
            values = null;
        }

        stored.Dispose();
    }

    private float[] Values()
    {
        var decoded = Volatile.Read(ref values);
        if (decoded is not null)
        {
            return decoded;
        }

        lock (decoding)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (values is null)
            {
                var all = GC.AllocateUninitializedArray<float>((int)Entry.ElementCount);
                var chunks = (int)((all.LongLength + DecodeChunkElements - 1) / DecodeChunkElements);
                Parallel.For(0, chunks, c =>
                {
                    var start = (long)c * DecodeChunkElements;
                    stored.Read(start, all.AsSpan((int)start, (int)Math.Min(DecodeChunkElements, all.LongLength - start)));
                });
                Volatile.Write(ref values, all);
            }

            return values;
        }
    }
}
