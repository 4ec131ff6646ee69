using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// A stored tensor of one model read as its share of the zipped model (<see cref="ZipFold"/>), or as its branch's
/// layer under partial zipping: zipping keeps every width, so the entry (name, shape, dtype) is the original's. The fold needs the whole tensor (a merged row
/// mixes rows, an unmerged input sums inputs), so it is computed on the first read and kept; a classifier layer
/// is a few MB at most. Disposing it disposes the original.
/// </summary>
public sealed class ZippedTensorSource(StoredTensor original, ZipFold fold) : StoredTensor
{
    private readonly Lock gate = new();
    private float[]? folded;

    public override TensorEntry Entry => original.Entry;

    public override void Read(long start, Span<float> destination) =>
        Folded().AsSpan(checked((int)start), destination.Length).CopyTo(destination);

    public override void ReadRaw(long byteStart, Span<byte> destination)
    {
        var size = Entry.DType.ElementSize();
        if (byteStart % size != 0 || destination.Length % size != 0)
        {
            throw new AlignmentException($"tensor '{Entry.Name}': a zipped tensor is read in whole {size}-byte elements; bytes [{byteStart}, {byteStart + destination.Length}) split one");
        }

        DTypeCodec.Encode(Entry.DType, Folded().AsSpan(checked((int)(byteStart / size)), destination.Length / size), destination);
    }

    // Chunks of one tensor may be read in parallel; the fold runs once.
    private float[] Folded()
    {
        lock (gate)
        {
            return folded ??= Fold();
        }
    }

    private float[] Fold()
    {
        if (Entry.ElementCount > Array.MaxLength)
        {
            throw new AlignmentException($"tensor '{Entry.Name}' has {Entry.ElementCount} elements, more than a zipped tensor holds in one array");
        }

        var values = new float[Entry.ElementCount];
        original.Read(0, values);
        var (result, shape) = fold.Apply(values, Entry.Shape, Entry.Name);
        if (!shape.SequenceEqual(Entry.Shape))
        {
            throw new AlignmentException($"tensor '{Entry.Name}': zipping changes its shape to [{string.Join(", ", shape)}]; zipping in merge jobs keeps every layer's width");
        }

        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            original.Dispose();
        }
    }
}
