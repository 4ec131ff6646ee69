namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// The float64 sums behind the <c>tensors</c> evaluator's metrics, for one tensor or for several combined.
/// Sums are taken per tensor and then combined in the model's tensor order, both when a written model is
/// evaluated and when a merge scores a candidate from its tensors as they are produced: the two reductions
/// are then the same sequence of float64 additions, so in-job metrics equal the written output's bit for
/// bit (given the in-job values are the output dtype's, e.g. already rounded to bf16).
/// </summary>
public sealed class TensorMetricSums
{
    private readonly TensorComparisonSums[] references;

    public TensorMetricSums(int referenceCount, bool hasBase)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(referenceCount);
        references = Enumerable.Range(0, referenceCount).Select(_ => new TensorComparisonSums()).ToArray();
        HasBase = hasBase;
    }

    public bool HasBase { get; }

    public int ReferenceCount => references.Length;

    /// <summary>Tensors summed (each floating point tensor of the model counts once).</summary>
    public int Tensors { get; private set; }

    public double ModelNormSquared { get; private set; }

    public double BaseDistanceSquared { get; private set; }

    internal TensorComparisonSums Reference(int index) => references[index];

    /// <summary>Starts a tensor: metrics need at least one.</summary>
    public void BeginTensor() => Tensors++;

    /// <summary>Adds a chunk of the model's values (and the base's at the same elements when there is a base).</summary>
    public void AddModel(ReadOnlySpan<float> model, ReadOnlySpan<float> baseValues)
    {
        if (HasBase && baseValues.Length != model.Length)
        {
            throw new ArgumentException($"the base chunk has {baseValues.Length} values, the model's {model.Length}", nameof(baseValues));
        }

        for (var i = 0; i < model.Length; i++)
        {
            ModelNormSquared += (double)model[i] * model[i];
            if (HasBase)
            {
                var d = (double)model[i] - baseValues[i];
                BaseDistanceSquared += d * d;
            }
        }
    }

    /// <summary>Adds the same chunk compared with reference <paramref name="index"/>'s values.</summary>
    public void AddReference(int index, ReadOnlySpan<float> model, ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues)
    {
        if (reference.Length != model.Length)
        {
            throw new ArgumentException($"reference {index}'s chunk has {reference.Length} values, the model's {model.Length}", nameof(reference));
        }

        references[index].Add(model, reference, baseValues, HasBase);
    }

    /// <summary>Adds the next tensor's (or tensors') sums; combine in the model's tensor order.</summary>
    public void Combine(TensorMetricSums other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.references.Length != references.Length || other.HasBase != HasBase)
        {
            throw new ArgumentException(
                $"cannot combine sums over {other.references.Length} references (base: {other.HasBase}) with sums over {references.Length} (base: {HasBase})",
                nameof(other));
        }

        Tensors += other.Tensors;
        ModelNormSquared += other.ModelNormSquared;
        BaseDistanceSquared += other.BaseDistanceSquared;
        for (var r = 0; r < references.Length; r++)
        {
            references[r].Combine(other.references[r]);
        }
    }

    /// <summary>The evaluator's metrics, named after <paramref name="referenceNames"/> (in reference order).</summary>
    public IReadOnlyDictionary<string, double> ToMetrics(IReadOnlyList<string> referenceNames)
    {
        ArgumentNullException.ThrowIfNull(referenceNames);
        if (referenceNames.Count != references.Length)
        {
            throw new ArgumentException($"{referenceNames.Count} reference names for sums over {references.Length} references", nameof(referenceNames));
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var r = 0; r < references.Length; r++)
        {
            var s = references[r];
            var name = referenceNames[r];
            metrics[$"l2_distance/{name}"] = Math.Sqrt(s.DistanceSquared);
            metrics[$"cosine/{name}"] = Cosine(s.Dot, ModelNormSquared, s.NormSquared);
            if (HasBase)
            {
                metrics[$"task_cosine/{name}"] = Cosine(s.TaskDot, BaseDistanceSquared, s.TaskNormSquared);
                metrics[$"sign_agreement/{name}"] = s.TaskNonZero == 0 ? double.NaN : (double)s.SignAgreements / s.TaskNonZero;
            }
        }

        if (HasBase)
        {
            metrics["l2_distance/base"] = Math.Sqrt(BaseDistanceSquared);
        }

        return metrics;
    }

    /// <summary>NaN when either vector is zero: the angle is undefined, and 0 would claim orthogonality.</summary>
    private static double Cosine(double dot, double normSquaredA, double normSquaredB) =>
        normSquaredA == 0 || normSquaredB == 0 ? double.NaN : dot / Math.Sqrt(normSquaredA * normSquaredB);
}
