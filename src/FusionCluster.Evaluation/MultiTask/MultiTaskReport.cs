namespace FusionCluster.Evaluation.MultiTask;

/// <summary>The benchmark's result: tasks, rows, and what this run had to compute (zero everywhere when all was cached).</summary>
public sealed record MultiTaskReport(
    IReadOnlyList<string> Tasks,
    IReadOnlyList<MultiTaskRow> Rows,
    string SuiteFolder,
    int Trainings,
    int Merges,
    int Evaluations,
    int StatisticsComputed,
    double WallSeconds)
{
    public MultiTaskRow Row(string name) => Rows.FirstOrDefault(r => r.Name == name)
        ?? throw new KeyNotFoundException($"no row '{name}' (rows: {string.Join(", ", Rows.Select(r => r.Name))})");

    public IReadOnlyList<double> Individual => Row(MultiTaskBenchmark.IndividualRow).Accuracy!;
}
