using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Compares a model's weights with reference models (typically a merge with its inputs), over all the
/// evaluated model's floating point tensors taken together as one vector (each reference must have them,
/// with the same shapes; tensors only a reference has are ignored). Per reference model r:
/// <list type="bullet">
/// <item><c>l2_distance/r</c>: ||m - r||.</item>
/// <item><c>cosine/r</c>: m·r / (||m|| ||r||).</item>
/// <item>with a base model b: <c>task_cosine/r</c>, the cosine of the task vectors m - b and r - b, and
/// <c>sign_agreement/r</c>, the fraction of elements with r - b ≠ 0 where m - b has the same sign (a zero
/// merged delta there counts as disagreement: that part of the task was dropped).</item>
/// </list>
/// plus <c>l2_distance/base</c> with a base. Tensors are read in chunks, so memory is a few chunk
/// buffers whatever the model size; each term is float32 and the sums float64 (see <see cref="LaneSums"/>). With data roots every model folder and every file
/// read from it must resolve (symlinks included) inside them.
/// </summary>
public sealed class TensorMetricsEvaluator : IEvaluator
{
    private readonly IReadOnlyList<ReferenceModel> references;
    private readonly string? baseFolder;
    private readonly LocalRoots roots;

    public TensorMetricsEvaluator(IReadOnlyList<ReferenceModel> references, string? baseFolder = null, LocalRoots? roots = null)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0 && baseFolder is null)
        {
            throw new ArgumentException("tensor metrics need at least one reference model or a base model", nameof(references));
        }

        var duplicate = references.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two reference models are both named '{duplicate.Key}'; give them distinct names", nameof(references));
        }

        this.references = references;
        this.baseFolder = baseFolder;
        this.roots = roots ?? LocalRoots.Anywhere;
    }

    public string Name => "tensors";

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(string checkpointFolder, CancellationToken cancellationToken = default) =>
        Task.Run(() => Evaluate(checkpointFolder, cancellationToken), cancellationToken);

    public IReadOnlyDictionary<string, double> Evaluate(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        var opened = new List<CheckpointFolder>();
        try
        {
            var model = Open(checkpointFolder, opened);
            var inputs = references.Select(r => Open(r.Folder, opened)).ToList();
            var baseModel = baseFolder is null ? null : Open(baseFolder, opened);

            var total = new TensorMetricSums(references.Count, baseModel is not null);
            foreach (var name in model.TensorNames)
            {
                var entry = model.GetEntry(name);
                if (!entry.DType.IsFloatingPoint())
                {
                    continue;
                }

                using var source = model.OpenTensor(name);
                using var baseSource = baseModel is null ? null : OpenMatching(baseModel, "base", name, entry);
                var inputSources = new List<FileTensorSource>(inputs.Count);
                try
                {
                    for (var r = 0; r < inputs.Count; r++)
                    {
                        inputSources.Add(OpenMatching(inputs[r], references[r].Name, name, entry));
                    }

                    // Per tensor, then in the model's tensor order: the reduction a merge that scores its
                    // candidates in-job repeats, so both give the same bits.
                    total.Combine(TensorMetricSums.OfTensor(source, baseSource, inputSources, cancellationToken));
                }
                finally
                {
                    inputSources.ForEach(s => s.Dispose());
                }
            }

            if (total.Tensors == 0)
            {
                throw new EvaluationException($"{model.FolderPath}: no floating point tensors to compare");
            }

            return total.ToMetrics(references.Select(r => r.Name).ToList());
        }
        finally
        {
            opened.ForEach(c => c.Dispose());
        }
    }

    private CheckpointFolder Open(string folder, List<CheckpointFolder> opened)
    {
        var checkpoint = CheckpointFolder.Open(folder, roots);
        opened.Add(checkpoint);
        return checkpoint;
    }

    /// <summary>The tensor of <paramref name="other"/> compared with the evaluated model's <paramref name="tensor"/>: present, same shape, floating point.</summary>
    internal static FileTensorSource OpenMatching(CheckpointFolder other, string otherName, string tensor, TensorEntry expected)
    {
        if (!other.TryGetEntry(tensor, out var entry))
        {
            throw new EvaluationException($"{other.FolderPath} ('{otherName}'): no tensor '{tensor}' to compare with the evaluated model's");
        }

        if (!entry.Shape.SequenceEqual(expected.Shape))
        {
            throw new EvaluationException($"{other.FolderPath} ('{otherName}'): tensor '{tensor}' has shape {entry.ShapeText}, the evaluated model's has {expected.ShapeText}");
        }

        if (!entry.DType.IsFloatingPoint())
        {
            throw new EvaluationException($"{other.FolderPath} ('{otherName}'): tensor '{tensor}' is {entry.DType.SafetensorsName()}, not floating point like the evaluated model's");
        }

        return other.OpenTensor(tensor);
    }
}
