namespace FusionCluster.Core.Planning;

/// <summary>
/// How the rows of one input's embedding-like tensor (token embeddings, LM head) are rearranged into the
/// output vocabulary before merging: output row r is a row of one of <see cref="Sources"/> (a run), the mean
/// of rows of several (a token the input lacks and several others share), the mean of the first
/// <see cref="RealRows"/> rows (padding), or zeros. Compact enough to travel in the plan: a vocabulary that
/// keeps its ids is one run.
/// </summary>
public sealed record RowMap
{
    /// <summary>Output rows, padding included.</summary>
    public required long Rows { get; init; }

    /// <summary>Rows that stand for tokens; rows from here to <see cref="Rows"/> are padding.</summary>
    public required long RealRows { get; init; }

    /// <summary>The tensors rows are taken from; index 0 is the input's own tensor.</summary>
    public required IReadOnlyList<RowSourceTensor> Sources { get; init; }

    /// <summary>Output rows copied from one source, ordered by <see cref="RowRun.Start"/> and not overlapping.</summary>
    public required IReadOnlyList<RowRun> Runs { get; init; }

    /// <summary>Output rows that average rows of several sources, ordered by row; a row is in a run or here, not both.</summary>
    public IReadOnlyList<RowMean> Means { get; init; } = [];
}
