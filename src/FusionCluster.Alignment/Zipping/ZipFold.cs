namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// One model's share of one tensor of a zipped model (ZipIt!, Stoica et al. 2023): with the tensor viewed as
/// [out, in, rest…], its inputs are read through the previous layer's unmerge (U: each merged input sums the
/// model's own features in its cluster) and its outputs through the merge (M: each merged output is the
/// cluster's mean, this model's members contributing 1/|cluster| each), then everything is scaled. The two
/// models' shares summed are M·[W_a; W_b]·U. Plain loops in a fixed order (members ascending), so the
/// in-process merge and a job's merge units, which both fold through here, agree bit for bit.
/// </summary>
/// <param name="Rows">Clusters of the group on axis 0 (this tensor's outputs); null leaves the rows as they are.</param>
/// <param name="Columns">Clusters of the group on axis 1 (its inputs); null leaves the inputs as they are.</param>
/// <param name="ColumnBlock">Consecutive entries of axis 1 per input unit: a channel's pixels in a flattened feature map.</param>
/// <param name="Side">0 for the first model (features 0..n−1 of the clusters), 1 for the second (n..2n−1).</param>
/// <param name="Scale">Multiplies the result; a power of two keeps it exact.</param>
public sealed record ZipFold(FeatureClusters? Rows, FeatureClusters? Columns, int ColumnBlock, int Side, float Scale)
{
    /// <summary>The folded tensor (row-major) and its shape; <paramref name="name"/> names the tensor in errors.</summary>
    public (float[] Values, long[] Shape) Apply(ReadOnlySpan<float> values, long[] shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Side is not (0 or 1))
        {
            throw new InvalidOperationException($"tensor '{name}': side must be 0 or 1, not {Side}");
        }

        var outer = shape.Length == 0 ? 1 : shape[0];
        var inputs = shape.Length > 1 ? shape[1] : 1;
        var inner = shape.Skip(2).Aggregate(1L, (p, d) => p * d);
        if (values.Length != outer * inputs * inner)
        {
            throw new AlignmentException($"tensor '{name}': {values.Length} values for shape [{string.Join(", ", shape)}]");
        }

        var current = values.ToArray();
        var currentInputs = inputs;
        if (Columns is { } columns)
        {
            var n = columns.FeaturesPerModel;
            if (shape.Length < 2 || inputs != (long)n * ColumnBlock)
            {
                throw new AlignmentException($"tensor '{name}': axis 1 of [{string.Join(", ", shape)}] is not {n} input units of {ColumnBlock}");
            }

            currentInputs = (long)columns.Count * ColumnBlock;
            var unmerged = new float[outer * currentInputs * inner];
            var span = ColumnBlock * inner;
            for (long row = 0; row < outer; row++)
            {
                for (var feature = 0; feature < n; feature++)
                {
                    var cluster = columns.ClusterOf[(Side * n) + feature];
                    var from = ((row * inputs) + ((long)feature * ColumnBlock)) * inner;
                    var to = ((row * currentInputs) + ((long)cluster * ColumnBlock)) * inner;
                    for (long i = 0; i < span; i++)
                    {
                        unmerged[to + i] += current[from + i];
                    }
                }
            }

            current = unmerged;
        }

        var currentOuter = outer;
        if (Rows is { } rows)
        {
            var n = rows.FeaturesPerModel;
            if (outer != n)
            {
                throw new AlignmentException($"tensor '{name}': axis 0 of [{string.Join(", ", shape)}] is not the {n} units of its group");
            }

            var sizes = new int[rows.Count];
            foreach (var cluster in rows.ClusterOf)
            {
                sizes[cluster]++;
            }

            currentOuter = rows.Count;
            var rowLength = currentInputs * inner;
            var merged = new float[currentOuter * rowLength];
            for (var unit = 0; unit < n; unit++)
            {
                var cluster = rows.ClusterOf[(Side * n) + unit];
                var share = 1f / sizes[cluster];
                for (long i = 0; i < rowLength; i++)
                {
                    merged[(cluster * rowLength) + i] += share * current[(unit * rowLength) + i];
                }
            }

            current = merged;
        }

        if (Scale != 1)
        {
            for (var i = 0; i < current.Length; i++)
            {
                current[i] *= Scale;
            }
        }

        var folded = (long[])shape.Clone();
        if (folded.Length > 0)
        {
            folded[0] = currentOuter;
        }

        if (folded.Length > 1)
        {
            folded[1] = currentInputs;
        }

        return (current, folded);
    }
}
