using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Permutations;

/// <summary>A stored tensor of the original model read as the permuted model's tensor of the same name. Disposing it disposes the original.</summary>
public sealed class PermutedTensorSource(StoredTensor original, PermutedTensorMap map) : StoredTensor
{
    public override TensorEntry Entry => original.Entry;

    public override void Read(long start, Span<float> destination)
    {
        var done = 0;
        foreach (var run in map.SourceRuns(Entry.Name, Entry.Shape, start, destination.Length))
        {
            original.Read(run.SourceStart, destination.Slice(done, (int)run.Length));
            done += (int)run.Length;
        }
    }

    public override void ReadRaw(long byteStart, Span<byte> destination)
    {
        var size = Entry.DType.ElementSize();
        if (byteStart % size != 0 || destination.Length % size != 0)
        {
            throw new ArgumentException($"tensor '{Entry.Name}': a permuted tensor is read in whole {size}-byte elements; bytes [{byteStart}, {byteStart + destination.Length}) split one");
        }

        var done = 0;
        foreach (var run in map.SourceRuns(Entry.Name, Entry.Shape, byteStart / size, destination.Length / size))
        {
            var bytes = (int)(run.Length * size);
            original.ReadRaw(run.SourceStart * size, destination.Slice(done, bytes));
            done += bytes;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            original.Dispose();
        }
    }
}
