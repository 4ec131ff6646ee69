namespace FusionCluster.Dashboard.Artifacts;

/// <summary>The parts of fusion-report.json the job page shows, and the whole document for those who want it.</summary>
public sealed record MergeReportView
{
    public string Method { get; init; } = "";

    public ulong Seed { get; init; }

    public int Tensors { get; init; }

    public long InputBytes { get; init; }

    public long OutputBytes { get; init; }

    public double WallSeconds { get; init; }

    public string Spec { get; init; } = "";

    /// <summary>Input model name and its location.</summary>
    public IReadOnlyList<(string Model, string Path)> Inputs { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The report, indented.</summary>
    public string Json { get; init; } = "";
}
