namespace FusionCluster.Core.Storage;

/// <summary>
/// A multi-task benchmark's result as <c>fusion benchmark multitask</c> writes it into --out and --publish publishes
/// it (manifest last): the rows with per-task accuracy (<see cref="DocumentFileName"/>), the Markdown table and the
/// chart. The dashboard lists the results one level below its Fusion:Dashboard:BenchmarkResults.
/// </summary>
public static class BenchmarkResultLayout
{
    public const string DocumentFileName = "multitask.json";
    public const string TableFileName = "multitask.md";
    public const string PlotFileName = "multitask.png";

    /// <summary>The value of the document's "format" key; the dashboard's reader refuses any other.</summary>
    public const string Format = "fusioncluster-multitask/1";

    /// <summary>Every file a published result holds, in the order they are published.</summary>
    public static readonly IReadOnlyList<string> Files = [DocumentFileName, TableFileName, PlotFileName];
}
