namespace FusionCluster.Dashboard.Benchmarks;

/// <summary>A published multi-task benchmark (multitask.json), checked by <see cref="BenchmarkResultReader"/>.</summary>
/// <param name="WallSeconds">How long the run that wrote it took (cached rows cost nothing).</param>
public sealed record BenchmarkResultView(string Name, IReadOnlyList<string> Tasks, IReadOnlyList<BenchmarkRowView> Rows, double? WallSeconds);
