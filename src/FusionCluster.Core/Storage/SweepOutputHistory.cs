namespace FusionCluster.Core.Storage;

/// <summary>
/// What a sweep's output keeps of the sweep's past (<see cref="ISweepOutput.ReadHistoryAsync"/>): the record of each kept
/// run, by the number in its file name (null where the record could not be read: a link, a pipe, too large), and best/'s
/// <see cref="SweepOutputLayout.BestInfoFileName"/>.
/// </summary>
public sealed record SweepOutputHistory(IReadOnlyList<(int Number, string? Json)> Runs, string? BestInfoJson)
{
    /// <summary>No history: a new output, or one that is not the sweep's.</summary>
    public static SweepOutputHistory None { get; } = new([], null);
}
