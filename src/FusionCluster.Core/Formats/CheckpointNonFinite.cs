using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Formats;

/// <summary>
/// Finds a NaN or infinity among a stored checkpoint's floating-point tensors, without loading the model: what
/// <c>fusion eval</c> tells a user whose metrics came out as no number (a diverged training or a broken merge).
/// Float64 tensors are skipped: decoding them to float32 makes a large finite value infinite.
/// </summary>
public static class CheckpointNonFinite
{
    private const int ChunkElements = 1 << 20;

    /// <returns>The first tensor (in the checkpoint's order) holding a NaN or infinite value, and how many it holds; null when none does.</returns>
    public static (string Tensor, long Count)? FindFirst(CheckpointFolder checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var chunk = new float[ChunkElements];
        foreach (var name in checkpoint.TensorNames)
        {
            using var source = checkpoint.OpenTensor(name);
            if (!source.Entry.DType.IsFloatingPoint() || source.Entry.DType == DType.F64)
            {
                continue;
            }

            long count = 0;
            for (long start = 0; start < source.Entry.ElementCount; start += ChunkElements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var values = chunk.AsSpan(0, (int)Math.Min(ChunkElements, source.Entry.ElementCount - start));
                source.Read(start, values);
                foreach (var value in values)
                {
                    count += float.IsFinite(value) ? 0 : 1;
                }
            }

            if (count > 0)
            {
                return (name, count);
            }
        }

        return null;
    }
}
