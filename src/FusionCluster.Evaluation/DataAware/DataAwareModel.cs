using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>One fine-tuned input with what data-aware methods need: its backbone, its task head and its task's data.</summary>
/// <param name="Name">The model's name, for messages and cache file names.</param>
/// <param name="Fingerprint">Identifies the weights (backbone and head), e.g. a SHA-256 of their files; keys the statistics cache.</param>
public sealed record DataAwareModel(string Name, NamedTensors Backbone, NamedTensors Head, ImageDataset Data, string Fingerprint);
