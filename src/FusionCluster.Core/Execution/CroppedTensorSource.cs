using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>The top-left [rows, cols] block of a 2-D tensor, for embeddings whose vocabularies differ.</summary>
public sealed class CroppedTensorSource(TensorSource inner, long rows, long cols) : TensorSource
{
    public override IReadOnlyList<long> Shape { get; } = [rows, cols];

    public override void Read(long start, Span<float> destination)
    {
        var innerCols = inner.RowLength;
        var written = 0;
        while (written < destination.Length)
        {
            var index = start + written;
            var (row, col) = (index / cols, index % cols);
            var run = (int)Math.Min(cols - col, destination.Length - written);
            inner.Read(row * innerCols + col, destination.Slice(written, run));
            written += run;
        }
    }
}
