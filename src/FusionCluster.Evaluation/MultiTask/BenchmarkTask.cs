using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>One classification task of the suite: its name, how it was derived, and its samples (train, then held-out).</summary>
public sealed record BenchmarkTask(string Name, string Description, ImageDataset Data);
