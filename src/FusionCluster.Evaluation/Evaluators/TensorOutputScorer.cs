using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Scores an output tensor its unit's candidates computed in memory as the <c>tensors</c> evaluator would score it in the written
/// model (<see cref="TensorMetricSums.OfTensor"/> on the same decoded values and the same references), so the job's
/// metrics equal an evaluation of the published output bit for bit. With data roots every reference folder must
/// resolve inside them, as for the evaluator.
/// </summary>
public sealed class TensorOutputScorer(LocalRoots? roots = null) : IOutputScorer
{
    private readonly LocalRoots roots = roots ?? LocalRoots.Anywhere;

    public IReadOnlyList<string?> Score(OutputScoring scoring, TensorPlan tensor, IReadOnlyList<ReadOnlyMemory<byte>> outputs)
    {
        ArgumentNullException.ThrowIfNull(scoring);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(outputs);
        if (!tensor.OutputDType.IsFloatingPoint() || outputs.Count == 0)
        {
            return outputs.Select(_ => (string?)null).ToList();
        }

        var entry = new TensorEntry(tensor.Name, tensor.OutputDType, tensor.Shape, 0, tensor.ByteLength);
        var opened = new List<IDisposable>();
        try
        {
            MappedTensorSource Open(string folder, string name)
            {
                var checkpoint = CheckpointFolder.Open(folder, roots);
                opened.Add(checkpoint);
                var source = TensorMetricsEvaluator.OpenMatching(checkpoint, name, tensor.Name, entry);
                opened.Add(source);
                return source;
            }

            var baseSource = scoring.BaseFolder is null ? null : Open(scoring.BaseFolder, "base");
            var references = scoring.CompareFolders.Select((folder, r) => (TensorSource)Open(folder, scoring.CompareNames[r])).ToList();
            var models = outputs.Select(bytes => (TensorSource)new EncodedTensorSource(bytes, tensor.OutputDType, tensor.Shape)).ToList();
            return TensorMetricSums.OfTensors(models, baseSource, references, CancellationToken.None).Select(sums => (string?)sums.ToJson()).ToList();
        }
        finally
        {
            opened.Reverse();
            opened.ForEach(d => d.Dispose());
        }
    }
}
