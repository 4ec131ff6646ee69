using System.Buffers;
using System.Diagnostics;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Runs one work unit: fetches the input tensors it needs, merges tensor by tensor in chunks, and writes
/// the results at their planned places in the job's staged output. Running a unit twice writes the same
/// bytes to the same places, so a retried or re-dispatched unit is harmless.
/// </summary>
/// <param name="methods">Where method implementations come from for the unit's device; the C# kernels when null.</param>
/// <param name="alignment">Runs alignment units and reads aligned models; null where no job aligns (then such units fail, naming why).</param>
/// <param name="statistics">Runs statistics units and reads their results for data-aware methods; null where no job needs them (then such units fail, naming why).</param>
/// <param name="scorer">Scores the tensors of jobs that score instead of writing (<see cref="UnitAssignment.Scoring"/>); null where none do (then such units fail, naming why).</param>
public sealed partial class WorkUnitExecutor(
    ArtifactStores stores, CheckpointCache checkpoints, IMergeMethodCatalog? methods = null, IInputAlignment? alignment = null, IInputStatistics? statistics = null, IOutputScorer? scorer = null)
{
    private const int CopyChunkBytes = 8 << 20;

    /// <summary>Opens a stored tensor of a model for one output tensor; whoever hands it out disposes it.</summary>
    private delegate ValueTask<StoredTensor> OpenStored(string model, string tensor);

    private readonly IMergeMethodCatalog methods = methods ?? CpuMergeMethodCatalog.Instance;

    /// <summary>Units this executor runs at the moment: a scoring unit splits its candidates over its share of the cores (<see cref="CandidateGroups"/>).</summary>
    private int runningUnits;

    /// <summary>Buffers of scoring units' in-memory candidate tensors, reused from unit to unit while any runs (<see cref="MemoryBufferPool"/>).</summary>
    private readonly MemoryBufferPool scoringBuffers = new(ScoringBatchBytes);

    /// <param name="assignment">The unit and where its inputs and output live.</param>
    /// <param name="tensorDone">Called after each tensor with the input bytes it consumed (progress, lease renewal).</param>
    /// <param name="cancellationToken">Checked between tensors and copy chunks.</param>
    public async Task<UnitResult> ExecuteAsync(UnitAssignment assignment, Action<long>? tensorDone, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref runningUnits);
        try
        {
            return await ExecuteUnitAsync(assignment, tensorDone, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref runningUnits) == 0)
            {
                // Between jobs the memory goes back to the process.
                scoringBuffers.Clear();
            }
        }
    }

    private async Task<UnitResult> ExecuteUnitAsync(UnitAssignment assignment, Action<long>? tensorDone, CancellationToken cancellationToken)
    {
        if (assignment.Members.Count > 0)
        {
            return await ExecuteSharedAsync(assignment, tensorDone, cancellationToken);
        }

        var stopwatch = Stopwatch.StartNew();
        var warnings = new List<string>();
        if (assignment.AlignModel is not null)
        {
            // A unit of the alignment phase writes nothing: its result is the permutations it found.
            var permutations = await Alignment(assignment).AlignAsync(assignment, cancellationToken);
            return new UnitResult(assignment.Unit.Index, assignment.Unit.InputBytes, 0, stopwatch.Elapsed.TotalSeconds, warnings) { PhaseResult = permutations };
        }

        if (assignment.StatisticsModel is not null)
        {
            // A unit of the statistics phase writes no output tensor: its result names the statistics file it staged.
            var computed = await Statistics(assignment).ComputeAsync(assignment, cancellationToken);
            return new UnitResult(assignment.Unit.Index, assignment.Unit.InputBytes, 0, stopwatch.Elapsed.TotalSeconds, warnings) { PhaseResult = computed };
        }

        var modelStatistics = assignment.Statistics is null ? null : await Statistics(assignment).OpenAsync(assignment, cancellationToken);

        // Per model, how its stored tensors are read: through the alignment phase's permutations, or as stored.
        var views = new Dictionary<string, Func<StoredTensor, StoredTensor>?>(StringComparer.Ordinal);
        if (assignment.Align is not null)
        {
            foreach (var model in assignment.ModelPaths.Keys.Order(StringComparer.Ordinal))
            {
                views[model] = await Alignment(assignment).ViewAsync(assignment, model, cancellationToken);
            }
        }

        IMergeOutput? output = null;
        var scores = new List<TensorScore>();
        foreach (var tensor in assignment.Unit.Tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            output ??= stores.OpenOutput(assignment.OutputLocation, assignment.JobId);
            // One open per (model, tensor), also when several inputs' row maps read rows of the same tensor.
            var opened = new Dictionary<(string Model, string Tensor), StoredTensor>();
            try
            {
                async ValueTask<StoredTensor> OpenStoredAsync(string model, string name)
                {
                    if (!opened.TryGetValue((model, name), out var source))
                    {
                        var checkpoint = await checkpoints.GetAsync(assignment.ModelPaths[model], assignment.PlannedVersions(assignment.ModelPaths[model]), cancellationToken);
                        source = View(views, model, await checkpoint.OpenTensorAsync(name, cancellationToken));
                        opened[(model, name)] = source;
                    }

                    return source;
                }

                await WriteTensorAsync(assignment, tensor, output, OpenStoredAsync, warnings, scores, cancellationToken, modelStatistics);
            }
            finally
            {
                foreach (var source in opened.Values)
                {
                    source.Dispose();
                }
            }

            tensorDone?.Invoke(tensor.InputBytes);
        }

        var unit = assignment.Unit;
        return new UnitResult(unit.Index, unit.InputBytes, assignment.Scoring is null ? unit.OutputBytes : 0, stopwatch.Elapsed.TotalSeconds, warnings) { Scores = scores };
    }

    private IInputAlignment Alignment(UnitAssignment assignment) =>
        alignment ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the job aligns its models, but this worker has no alignment support");

    private IInputStatistics Statistics(UnitAssignment assignment) =>
        statistics ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): merge_method '{assignment.Method}' reads statistics of each model's data, but this worker has no statistics support");

    private static StoredTensor View(Dictionary<string, Func<StoredTensor, StoredTensor>?> views, string model, StoredTensor stored) =>
        views.GetValueOrDefault(model) is { } view ? view(stored) : stored;

    // Methods that run chunks in parallel throw it inside an AggregateException.
    private static bool IsNonFiniteResult(Exception e) =>
        e is NonFiniteResultException || (e is AggregateException all && all.Flatten().InnerExceptions.Any(inner => inner is NonFiniteResultException));

    private static string DescribeNonFinite(IEnumerable<(string Model, NonFiniteCountingSource Source)> counted) =>
        string.Join(", ", counted.Where(c => c.Source.NonFinite > 0).Select(c => $"model '{c.Model}' has {c.Source.NonFinite}"));

    /// <summary>
    /// Computes one output tensor into its planned place, reading stored tensors through <paramref name="open"/> (which
    /// owns them); on a scoring unit, into memory instead, adding its metric sums to <paramref name="scores"/>.
    /// </summary>
    /// <param name="modelStatistics">A data-aware method's statistics of each model's data, by model and tensor; null for other methods.</param>
    private async Task WriteTensorAsync(
        UnitAssignment assignment,
        TensorPlan tensor,
        IMergeOutput output,
        OpenStored open,
        List<string> warnings,
        List<TensorScore> scores,
        CancellationToken cancellationToken,
        Func<string, string, TensorSource?>? modelStatistics = null,
        FoundSelections? selections = null)
    {
        if (assignment.Scoring is { } scoring)
        {
            await ScoreTensorAsync(assignment, scoring, tensor, output, open, warnings, scores, cancellationToken, modelStatistics);
            return;
        }

        await using var writer = output.OpenTensor(assignment.ShardFiles[tensor.Shard], tensor);
        await ComputeAsync(assignment, tensor, output, writer, open, warnings, cancellationToken, modelStatistics, selections);
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Computes the tensor into memory, with the bytes writing it would have put there, and scores those bytes.</summary>
    private async Task ScoreTensorAsync(
        UnitAssignment assignment,
        OutputScoring scoring,
        TensorPlan tensor,
        IMergeOutput output,
        OpenStored open,
        List<string> warnings,
        List<TensorScore> scores,
        CancellationToken cancellationToken,
        Func<string, string, TensorSource?>? modelStatistics)
    {
        var scoreBy = Scorer(assignment);
        await using var memory = await ComputeInMemoryAsync(assignment, tensor, output, open, warnings, cancellationToken, modelStatistics);
        if (scoreBy.Score(scoring, tensor, [memory.Bytes], groups: 1)[0] is { } sums)
        {
            scores.Add(new TensorScore(tensor.Name, tensor.Shard, tensor.Offset, sums));
        }
    }

    /// <summary>Computes the tensor into memory, with the bytes writing it would have put there, for a scorer to read.</summary>
    private async Task<MemoryTensorWriter> ComputeInMemoryAsync(
        UnitAssignment assignment,
        TensorPlan tensor,
        IMergeOutput output,
        OpenStored open,
        List<string> warnings,
        CancellationToken cancellationToken,
        Func<string, string, TensorSource?>? modelStatistics = null,
        FoundSelections? selections = null,
        MemoryBufferPool? buffers = null)
    {
        if (tensor.Sidecars.Count > 0)
        {
            // A sidecar (emr's masks) is part of what an evaluator of the written model reads; it is not scored here.
            throw new MergeMethodException($"tensor '{tensor.Name}': merge_method '{assignment.Method}' writes side tensors, which in-job scoring does not cover; publish every output instead");
        }

        var memory = new MemoryTensorWriter(tensor, buffers);
        try
        {
            await ComputeAsync(assignment, tensor, output, memory, open, warnings, cancellationToken, modelStatistics, selections);
            return memory;
        }
        catch
        {
            await memory.DisposeAsync();
            throw;
        }
    }

    private IOutputScorer Scorer(UnitAssignment assignment) =>
        scorer ?? throw new MergeMethodException($"unit {assignment.Unit.Index} ({assignment.Unit.Name}): the job scores its candidates in-job, but this worker has no scorer");

    private async Task ComputeAsync(
        UnitAssignment assignment,
        TensorPlan tensor,
        IMergeOutput output,
        TensorWriter writer,
        OpenStored open,
        List<string> warnings,
        CancellationToken cancellationToken,
        Func<string, string, TensorSource?>? modelStatistics,
        FoundSelections? selections)
    {
        if (tensor.Kind == TensorKind.Copy)
        {
            await CopyAsync(tensor, open, writer, cancellationToken);
        }
        else
        {
            await MergeAsync(assignment, tensor, open, modelStatistics, selections, output, writer, warnings, cancellationToken);
        }
    }

    private static async Task CopyAsync(TensorPlan tensor, OpenStored open, TensorWriter writer, CancellationToken cancellationToken)
    {
        var input = tensor.Inputs[0];
        var source = await open(input.Model, input.Tensor);
        if (source.DType.IsFloatingPoint())
        {
            // A copy carries every value into the output as it is, NaN and infinity too: refused like a
            // merge result would be, naming the model.
            var counter = new NonFiniteCountingSource(source);
            counter.CountRest();
            if (counter.NonFinite > 0)
            {
                throw new MergeMethodException($"tensor '{tensor.Name}': model '{input.Model}' has {counter.NonFinite} non-finite values (NaN or infinity), and copying it would carry them into the output");
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyChunkBytes, Math.Max(1, tensor.ByteLength)));
        try
        {
            for (long done = 0; done < tensor.ByteLength; done += CopyChunkBytes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                UnitProgress.Beat();
                var span = buffer.AsSpan(0, (int)Math.Min(CopyChunkBytes, tensor.ByteLength - done));
                source.ReadRaw(done, span);
                writer.WriteRaw(done, span);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An input as a method reads it: its stored tensor (or rows of several), cropped to the output's shape, rounded to the compute dtype.</summary>
    private static async Task<TensorSource> OpenInputAsync(TensorPlan tensor, TensorInput input, OpenStored open)
    {
        TensorSource view;
        bool needsRounding;
        if (input.Rows is { } rows)
        {
            var sources = new List<StoredTensor>();
            foreach (var from in rows.Sources)
            {
                sources.Add(await open(from.Model, from.Tensor));
            }

            view = new RowMappedTensorSource(sources, rows, tensor.Shape[1]);
            needsRounding = sources.Any(s => s.DType != tensor.ComputeDType);
        }
        else
        {
            var source = await open(input.Model, input.Tensor);
            view = source.Shape.SequenceEqual(tensor.Shape) ? source : new CroppedTensorSource(source, tensor.Shape[0], tensor.Shape[1]);
            needsRounding = source.DType != tensor.ComputeDType;
        }

        return needsRounding && Precision.IsNarrowerThanFloat32(tensor.ComputeDType)
            ? new PrecisionTensorSource(view, tensor.ComputeDType)
            : view;
    }

    /// <param name="selections">Magnitude selections found together with other candidates' (<see cref="FindSelectionsTogetherAsync"/>); null when the method finds its own.</param>
    /// <param name="output">Where the tensor's sidecars (a method's extra files, e.g. emr's masks) are written beside it.</param>
    private async Task MergeAsync(
        UnitAssignment assignment,
        TensorPlan tensor,
        OpenStored open,
        Func<string, string, TensorSource?>? modelStatistics,
        FoundSelections? selections,
        IMergeOutput output,
        TensorWriter writer,
        List<string> warnings,
        CancellationToken cancellationToken)
    {
        // Every input is counted for NaN and infinity as the method reads it, for the report.
        var counted = new List<(string Model, NonFiniteCountingSource Source)>();
        async Task<TensorSource> OpenCountedAsync(TensorInput input)
        {
            var source = new NonFiniteCountingSource(await OpenInputAsync(tensor, input, open));
            counted.Add((input.Model, source));
            return source;
        }

        var baseSource = tensor.Base is null ? null : await OpenCountedAsync(tensor.Base);
        var models = new List<ModelTensor>();
        foreach (var input in tensor.Inputs)
        {
            models.Add(new ModelTensor(input.Model, await OpenCountedAsync(input), input.Parameters) { Statistics = modelStatistics?.Invoke(input.Model, input.Tensor) });
        }

        var method = methods.Resolve(assignment.Method, assignment.Device);
        var sink = new CheckedOutputSink(
            writer.Sink,
            tensor.Name,
            tensor.ComputeDType != tensor.OutputDType && Precision.IsNarrowerThanFloat32(tensor.ComputeDType) ? tensor.ComputeDType : null);
        var sidecars = new List<TensorWriter>();
        try
        {
            foreach (var sidecar in tensor.Sidecars)
            {
                sidecars.Add(output.OpenTensor(assignment.ShardFiles[sidecar.Shard], sidecar));
            }

            method.Merge(new MergeTensorContext
            {
                TensorName = tensor.Name,
                Shape = tensor.Shape,
                IsEmbedding = tensor.IsEmbedding,
                Base = baseSource,
                BaseModel = tensor.Base?.Model,
                Models = models,
                Parameters = tensor.Parameters,
                Seed = tensor.Seed,
                Selections = selections,
                Output = sink,
                Sidecars = sidecars,
                Warn = message => { lock (warnings) { warnings.Add($"{tensor.Name}: {message}"); } },
                });
            foreach (var sidecar in sidecars)
            {
                await sidecar.CompleteAsync(cancellationToken);
            }
        }
        catch (Exception e) when (IsNonFiniteResult(e) && counted.Any(c => c.Source.NonFinite > 0))
        {
            // The inputs' NaN or infinity reached the output: say whose, and how many (all of each input counted).
            counted.ForEach(c => c.Source.CountRest());
            throw new MergeMethodException(
                $"tensor '{tensor.Name}': merge_method '{assignment.Method}' carries non-finite input values (NaN or infinity) into the output: {DescribeNonFinite(counted)}");
        }
        finally
        {
            foreach (var sidecar in sidecars)
            {
                await sidecar.DisposeAsync();
            }
        }

        foreach (var (model, source) in counted.Where(c => c.Source.NonFinite > 0))
        {
            lock (warnings)
            {
                warnings.Add($"{tensor.Name}: model '{model}' has {source.NonFinite} non-finite values (NaN or infinity) in the elements merge_method '{assignment.Method}' read; none reached the output");
            }
        }

        if (sink.Written != tensor.ElementCount)
        {
            throw new MergeMethodException($"tensor '{tensor.Name}': merge_method '{assignment.Method}' wrote {sink.Written} of {tensor.ElementCount} elements");
        }
    }
}
