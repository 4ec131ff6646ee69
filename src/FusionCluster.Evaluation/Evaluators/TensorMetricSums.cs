using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// The sums behind the <c>tensors</c> evaluator's metrics, for one tensor or for several combined.
/// Sums are taken per tensor and then combined in the model's tensor order, both when a written model is
/// evaluated and when a merge scores a candidate from its tensors as they are produced: the two reductions
/// are then the same sequence of operations, so in-job metrics equal the written output's bit for
/// bit (given the in-job values are the output dtype's, e.g. already rounded to bf16). Within a tensor the additions
/// follow <see cref="LaneSums"/>' fixed lane order (vectorised, independent of chunking and thread count).
/// </summary>
public sealed class TensorMetricSums
{
    /// <summary>
    /// Scores' sums by the text they were parsed from, read only (<see cref="Combine"/>): a job that publishes its best ranks
    /// its candidates from every score so far at each dispatch, and parsing them all again each time was most of a
    /// hundred-point sweep's work. Keyed by the string itself, so an entry lives as long as the score that holds it.
    /// </summary>
    private static readonly ConditionalWeakTable<string, TensorMetricSums> ParsedSums = new();

    /// <summary>Elements read per source and chunk: small enough that a chunk's values stay in cache while every accumulator reads them.</summary>
    private const int ChunkElements = 1 << 16;

    private readonly TensorComparisonSums[] references;

    /// <summary><c>Σ m²</c>.</summary>
    internal LaneSum ModelNorm;

    /// <summary><c>Σ (m - b)²</c>.</summary>
    internal LaneSum BaseDistance;

    /// <summary>Model elements added so far: where the next chunk starts, which fixes its lanes.</summary>
    private long modelElements;

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

    public double ModelNormSquared => ModelNorm.Total;

    public double BaseDistanceSquared => BaseDistance.Total;

    internal TensorComparisonSums Reference(int index) => references[index];

    /// <summary>Model elements added so far.</summary>
    internal long ModelElements => modelElements;

    /// <summary>Records that <see cref="CandidateSums"/> added <paramref name="count"/> more elements of the model.</summary>
    internal void AddedModel(int count) => modelElements += count;

    /// <summary>Starts a tensor: metrics need at least one.</summary>
    public void BeginTensor() => Tensors++;

    /// <summary>
    /// One tensor's sums, read in chunks in element order: the one reduction both the evaluator of a written model
    /// and a unit scoring the tensor in memory run, so their sums are the same bits.
    /// </summary>
    /// <param name="references">Each reference's tensor, in reference order.</param>
    public static TensorMetricSums OfTensor(TensorSource model, TensorSource? baseValues, IReadOnlyList<TensorSource> references, CancellationToken cancellationToken) =>
        OfTensors([model], baseValues, references, cancellationToken)[0];

    /// <summary>
    /// Several models' sums for the same tensor (a unit's candidates), each as <see cref="OfTensor"/> would give it:
    /// the base and each reference are decoded once per chunk for all of them, and the sums of a reference alone (<c>|r|²</c>,
    /// <c>|r - b|²</c>, its non-zero task deltas) are added once, with the first model's, and copied to the others.
    /// </summary>
    /// <param name="models">The models' tensors, all of one shape.</param>
    /// <param name="references">Each reference's tensor, in reference order.</param>
    /// <param name="groups">
    /// Runs of models scored at once, and threads decoding them: one per core this call may keep busy (0: every core). A unit
    /// running beside others takes its share (<see cref="CandidateGroups"/>), so their threads do not wait for each other.
    /// </param>
    public static IReadOnlyList<TensorMetricSums> OfTensors(IReadOnlyList<TensorSource> models, TensorSource? baseValues, IReadOnlyList<TensorSource> references, CancellationToken cancellationToken, int groups = 0)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(references);
        if (models.Count == 0)
        {
            return [];
        }

        var elements = models[0].ElementCount;
        if (models.Any(m => m.ElementCount != elements))
        {
            throw new ArgumentException($"the models' tensors differ in size ({string.Join(", ", models.Select(m => m.ElementCount).Distinct())} elements)", nameof(models));
        }

        // The models' chunks are decoded here; the base's and references' by the accumulator, once for all of them.
        using var candidates = new CandidateMetricSums(models.Count, elements, baseValues, references);
        var buffers = models.Select(_ => ArrayPool<float>.Shared.Rent((int)Math.Min(ChunkElements, Math.Max(1, elements)))).ToArray();
        var runs = groups > 0 ? Math.Min(groups, models.Count) : CandidateGroups.Count(models.Count);
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = runs };
        try
        {
            for (long start = 0; start < elements; start += ChunkElements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = (int)Math.Min(ChunkElements, elements - start);
                Parallel.For(0, models.Count, options, m => models[m].Read(start, buffers[m].AsSpan(0, length)));
                candidates.Add(start, length, buffers, runs, cancellationToken);
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }

        return candidates.Complete();
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
        ModelNorm = LaneSum.OfTotal(ModelNormSquared + other.ModelNormSquared);
        BaseDistance = LaneSum.OfTotal(BaseDistanceSquared + other.BaseDistanceSquared);
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
            metrics[EvaluatorMetricNames.L2Distance(name)] = Math.Sqrt(s.DistanceSquared);
            metrics[EvaluatorMetricNames.Cosine(name)] = Cosine(s.DotProduct, ModelNormSquared, s.NormSquared);
            if (HasBase)
            {
                metrics[EvaluatorMetricNames.TaskCosine(name)] = Cosine(s.TaskDot, BaseDistanceSquared, s.TaskNormSquared);
                metrics[EvaluatorMetricNames.SignAgreement(name)] = s.TaskNonZero == 0 ? double.NaN : (double)s.SignAgreements / s.TaskNonZero;
            }
        }

        if (HasBase)
        {
            metrics[EvaluatorMetricNames.BaseDistance] = Math.Sqrt(BaseDistanceSquared);
        }

        return metrics;
    }

    /// <summary>
    /// The sums as JSON, for a unit that scores a tensor to send to its job. Doubles are written in their shortest
    /// round-trip form, so <see cref="FromJson"/> gives back the same bits. Written and read without a tree of nodes: a
    /// 400-point job sends and reads one per tensor per candidate.
    /// </summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (references.Length * 160));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("base", HasBase);
            writer.WriteNumber("tensors", Tensors);
            writer.WriteStartArray("model");
            writer.WriteNumberValue(ModelNormSquared);
            writer.WriteNumberValue(BaseDistanceSquared);
            writer.WriteEndArray();
            writer.WriteStartArray("references");
            foreach (var reference in references)
            {
                writer.WriteStartObject();
                writer.WriteStartArray("sums");
                foreach (var value in reference.Values())
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("counts");
                foreach (var count in reference.Counts())
                {
                    writer.WriteNumberValue(count);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <exception cref="EvaluationException">The text is not what <see cref="ToJson"/> writes.</exception>
    public static TensorMetricSums FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var references = root.GetProperty("references");
            var model = root.GetProperty("model");
            var sums = new TensorMetricSums(references.GetArrayLength(), root.GetProperty("base").GetBoolean())
            {
                Tensors = root.GetProperty("tensors").GetInt32(),
                ModelNorm = LaneSum.OfTotal(model[0].GetDouble()),
                BaseDistance = LaneSum.OfTotal(model[1].GetDouble()),
            };
            var r = 0;
            foreach (var reference in references.EnumerateArray())
            {
                sums.references[r++] = TensorComparisonSums.From(
                    [.. reference.GetProperty("sums").EnumerateArray().Select(v => v.GetDouble())],
                    [.. reference.GetProperty("counts").EnumerateArray().Select(v => v.GetInt64())]);
            }

            return sums;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException or ArgumentException)
        {
            throw new EvaluationException($"not the tensor metric sums a scoring unit writes: {e.Message}");
        }
    }

    /// <summary>
    /// The sums of the scores a unit returned (or several units'), combined in <see cref="Metrics"/>' order: shard, then
    /// offset, then name.
    /// </summary>
    /// <exception cref="EvaluationException">A score's sums are not what <see cref="ToJson"/> writes.</exception>
    public static TensorMetricSums Total(IEnumerable<TensorScore> scores, int referenceCount, bool hasBase)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var total = new TensorMetricSums(referenceCount, hasBase);
        foreach (var score in scores.OrderBy(s => s.Shard).ThenBy(s => s.Offset).ThenBy(s => s.Tensor, StringComparer.Ordinal))
        {
            total.Combine(ParsedSums.GetValue(score.Sums, FromJson));
        }

        return total;
    }

    /// <summary>
    /// A candidate's metrics from the scores its units returned: every tensor's sums combined in the order a reader
    /// of the written output meets them (shard, then offset, then name, as safetensors headers are read).
    /// </summary>
    /// <exception cref="EvaluationException">No floating point tensor was scored, as the evaluator refuses such a model.</exception>
    public static IReadOnlyDictionary<string, double> Metrics(IEnumerable<TensorScore> scores, IReadOnlyList<string> referenceNames, bool hasBase)
    {
        ArgumentNullException.ThrowIfNull(referenceNames);
        var total = Total(scores, referenceNames.Count, hasBase);
        if (total.Tensors == 0)
        {
            throw new EvaluationException("no floating point tensors to compare");
        }

        return total.ToMetrics(referenceNames);
    }

    /// <summary>NaN when either vector is zero: the angle is undefined, and 0 would claim orthogonality.</summary>
    private static double Cosine(double dot, double normSquaredA, double normSquaredB) =>
        normSquaredA == 0 || normSquaredB == 0 ? double.NaN : dot / Math.Sqrt(normSquaredA * normSquaredB);
}
