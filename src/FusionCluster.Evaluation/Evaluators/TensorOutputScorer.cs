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

    public IReadOnlyList<string?> Score(OutputScoring scoring, TensorPlan tensor, IReadOnlyList<ReadOnlyMemory<byte>> outputs, int groups)
    {
        ArgumentNullException.ThrowIfNull(scoring);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(outputs);
        if (!tensor.OutputDType.IsFloatingPoint() || outputs.Count == 0)
        {
            return outputs.Select(_ => (string?)null).ToList();
        }

        using var comparisons = Comparisons.Open(scoring, tensor, roots);
        var models = outputs.Select(bytes => (TensorSource)new EncodedTensorSource(bytes, tensor.OutputDType, tensor.Shape)).ToList();
        return TensorMetricSums.OfTensors(models, comparisons.Base, comparisons.References, CancellationToken.None, groups).Select(sums => (string?)sums.ToJson()).ToList();
    }

    public IOutputChunkScorer? Begin(OutputScoring scoring, TensorPlan tensor, int candidates, DecodedInputs? decoded = null)
    {
        ArgumentNullException.ThrowIfNull(scoring);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.OutputDType.IsFloatingPoint() || candidates == 0)
        {
            return null;
        }

        var comparisons = Comparisons.Open(scoring, tensor, roots, decoded);
        return new ChunkScorer(comparisons, new CandidateMetricSums(candidates, tensor.ElementCount, comparisons.Base, comparisons.References));
    }

    /// <summary>The base and references the evaluator compares this tensor with, opened as it opens them.</summary>
    private sealed class Comparisons : IDisposable
    {
        private readonly List<IDisposable> opened = [];

        public TensorSource? Base { get; private set; }

        public IReadOnlyList<TensorSource> References { get; private set; } = [];

        /// <param name="decoded">The candidates' inputs as stored: a base or reference that is one of them is read from there.</param>
        public static Comparisons Open(OutputScoring scoring, TensorPlan tensor, LocalRoots roots, DecodedInputs? decoded = null)
        {
            var entry = new TensorEntry(tensor.Name, tensor.OutputDType, tensor.Shape, 0, tensor.ByteLength);
            var comparisons = new Comparisons();
            try
            {
                TensorSource Open(string folder, string name)
                {
                    // Opened and checked as the evaluator opens it even when the candidates' copy is read, so errors read the same.
                    var checkpoint = CheckpointFolder.Open(folder, roots);
                    comparisons.opened.Add(checkpoint);
                    var source = TensorMetricsEvaluator.OpenMatching(checkpoint, name, tensor.Name, entry);
                    comparisons.opened.Add(source);
                    return decoded?.Find(checkpoint.FolderPath, tensor.Name) ?? source;
                }

                comparisons.Base = scoring.BaseFolder is null ? null : Open(scoring.BaseFolder, "base");
                comparisons.References = scoring.CompareFolders.Select((folder, r) => Open(folder, scoring.CompareNames[r])).ToList();
                return comparisons;
            }
            catch
            {
                comparisons.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            opened.Reverse();
            opened.ForEach(d => d.Dispose());
            opened.Clear();
        }
    }

    private sealed class ChunkScorer(Comparisons comparisons, CandidateMetricSums sums) : IOutputChunkScorer
    {
        public void BeginChunk(long start, int length) => sums.BeginChunk(start, length);

        public void Add(int firstCandidate, long start, int length, IReadOnlyList<float[]> values) => sums.AddCandidates(firstCandidate, start, length, values);

        public IReadOnlyList<string> Complete() => sums.Complete().Select(s => s.ToJson()).ToList();

        public void Dispose()
        {
            sums.Dispose();
            comparisons.Dispose();
        }
    }
}
