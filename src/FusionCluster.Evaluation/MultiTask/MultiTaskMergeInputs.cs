namespace FusionCluster.Evaluation.MultiTask;

/// <summary>The suite's models as one benchmark run holds them while it merges: folders for the specs, tensors for the evaluations.</summary>
internal sealed record MultiTaskMergeInputs(
    string Suite,
    string PretrainedFolder,
    IReadOnlyList<string> FineTuneFolders,
    NamedTensors Pretrained,
    IReadOnlyList<NamedTensors> FineTunes,
    IReadOnlyList<NamedTensors> Heads,
    IReadOnlyList<BenchmarkTask> Tasks);
