using System.Numerics.Tensors;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>A scoring job's shared units, for methods whose candidates <see cref="ElementwiseCandidates"/> computes together.</summary>
public sealed partial class WorkUnitExecutor
{
    /// <summary>Elements of a member's values computed and scored at a time: with the inputs' and references' blocks, they stay in the core's cache.</summary>
    private const int ScoringBlockElements = 4096;

    /// <summary>
    /// Scores the members' tensors of one position chunk by chunk without holding any output: the inputs are decoded once,
    /// every member's chunk is computed as its merge alone would compute it (<see cref="ElementwiseCandidates"/>), put through
    /// what writing it does (the checks, rounding through the compute dtype, the output dtype's encoding) and scored at once.
    /// Returns each member's sums, or null when this path does not apply (another method, members reading different tensors,
    /// a non-finite value, a member's parameter or scoring error): the caller then runs the ordinary path, which reports
    /// such errors and warnings as always.
    /// </summary>
    /// <param name="written">The position in <paramref name="group"/> of the member whose chunks are also written (<see cref="UnitAssignment.WriteCandidate"/>), through a writer <paramref name="openWriter"/> opens; -1 for none.</param>
    private async Task<IReadOnlyList<string>?> TryScoreElementwiseAsync(
        UnitAssignment shared,
        IReadOnlyList<(int Member, TensorPlan Tensor)> group,
        SharedTensorReads reads,
        int written,
        Func<TensorPlan, TensorWriter> openWriter,
        CancellationToken cancellationToken)
    {
        if (group.Count < 2 || shared.Scoring is null || scorer is null)
        {
            return null;
        }

        var first = shared.Members[group[0].Member];
        var tensor = group[0].Tensor;
        if (!ReadAlike(shared, group) || !group.All(g => shared.Members[g.Member].Method == first.Method && shared.Members[g.Member].Device == first.Device))
        {
            return null;
        }

        var sharingSources = new List<ChunkSharingSource>();
        try
        {
            ValueTask<StoredTensor> Open(string model, string name) => reads.OpenAsync(first, model, name, cancellationToken);
            var counted = new List<NonFiniteCountingSource>();
            var decoded = new DecodedInputs();
            async Task<TensorSource> OpenCountedAsync(TensorInput input)
            {
                var view = await OpenInputAsync(tensor, input, Open);
                var source = new NonFiniteCountingSource(view);
                counted.Add(source);
                if (view is not StoredTensor)
                {
                    return source;
                }

                // Read as stored: the scorer may compare with this very tensor, and then takes the chunks decoded here.
                var sharing = new ChunkSharingSource(source);
                sharingSources.Add(sharing);
                decoded.Add(first.ModelPaths[input.Model], input.Tensor, sharing);
                return sharing;
            }

            var baseSource = tensor.Base is null ? null : await OpenCountedAsync(tensor.Base);
            var sources = new List<TensorSource>();
            foreach (var input in tensor.Inputs)
            {
                sources.Add(await OpenCountedAsync(input));
            }

            var candidates = ElementwiseCandidates.TryCreate(methods.Resolve(first.Method, first.Device), MemberContexts(group, baseSource, sources));
            if (candidates is null)
            {
                return null;
            }

            using var scoring = scorer.Begin(shared.Scoring, tensor, group.Count, decoded);
            if (scoring is null)
            {
                return null;
            }

            await using var writer = written < 0 ? null : openWriter(group[written].Tensor);
            var roundThrough = tensor.ComputeDType != tensor.OutputDType && Precision.IsNarrowerThanFloat32(tensor.ComputeDType) ? tensor.ComputeDType : (DType?)null;
            // The common case (float32 compute, bf16 output): computed and rounded in one pass.
            var throughBFloat16 = roundThrough is null && tensor.OutputDType == DType.BF16;
            var elementSize = tensor.OutputDType.ElementSize();

            // Per group of members (one per core of this unit's share), a block of each member's values, the kernels' scratch and the encoded bytes;
            // no longer than the tensor (a norm's 2,048 values took 16 KiB per member, 6.4 MiB a tensor at 400 candidates).
            var groups = CandidateGroups.Count(group.Count, Environment.ProcessorCount, Volatile.Read(ref runningUnits));
            var blockElements = (int)Math.Clamp(candidates.ElementCount, 1, ScoringBlockElements);
            var blocks = Enumerable.Range(0, groups).Select(g => Enumerable.Range(0, CandidateGroups.Of(g, groups, group.Count).Count)
                .Select(_ => new float[blockElements]).ToArray()).ToArray();
            var scratch = Enumerable.Range(0, groups).Select(_ => new float[blockElements * candidates.ScratchBlocks]).ToArray();
            var encoded = Enumerable.Range(0, groups).Select(_ => new byte[blockElements * elementSize]).ToArray();
            var nonFinite = false;
            var writtenChunk = Array.Empty<byte>();
            candidates.ForEachChunk((start, length) =>
            {
                UnitProgress.Beat();
                if (nonFinite)
                {
                    return;
                }

                scoring.BeginChunk(start, length);
                if (writer is not null && writtenChunk.Length < length * elementSize)
                {
                    writtenChunk = new byte[length * elementSize];
                }

                Parallel.For(0, groups, new ParallelOptions { CancellationToken = cancellationToken }, g =>
                {
                    var firstMember = CandidateGroups.Of(g, groups, group.Count).First;
                    for (var offset = 0; offset < length && !nonFinite; offset += blockElements)
                    {
                        var n = Math.Min(blockElements, length - offset);
                        for (var j = 0; j < blocks[g].Length; j++)
                        {
                            var values = blocks[g][j].AsSpan(0, n);
                            var finite = throughBFloat16
                                ? candidates.ComputeThroughBFloat16(firstMember + j, offset, values, scratch[g])
                                : ComputeAsWritten(candidates, firstMember + j, offset, values, scratch[g], roundThrough, tensor.OutputDType, encoded[g].AsSpan(0, n * elementSize));
                            if (!finite)
                            {
                                nonFinite = true;
                                return;
                            }

                            if (firstMember + j == written)
                            {
                                // The written values encode back to the bytes writing them produces (each is exact in the output dtype).
                                DTypeCodec.Encode(tensor.OutputDType, values, writtenChunk.AsSpan(offset * elementSize, n * elementSize));
                            }
                        }

                        scoring.Add(firstMember, start + offset, n, blocks[g]);
                    }
                });

                // The written member's chunk in one write: its blocks' small writes would cost more than encoding them.
                if (writer is not null && !nonFinite)
                {
                    writer.WriteRaw(start * elementSize, writtenChunk.AsSpan(0, length * elementSize));
                }
            }, cancellationToken);

            if (nonFinite || counted.Any(c => c.NonFinite > 0))
            {
                return null;
            }

            if (writer is not null)
            {
                await writer.CompleteAsync(cancellationToken);
            }

            return scoring.Complete();
        }
        catch (Exception e) when (IsCandidateFailure(e))
        {
            return null;
        }
        finally
        {
            sharingSources.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// A member's values put through what writing them does (rounding through the compute dtype, the output dtype's
    /// encoding): the values a reader of the written tensor decodes; false when one is not finite (the values are then
    /// unspecified: the caller leaves this path).
    /// </summary>
    private static bool ComputeAsWritten(
        ElementwiseCandidates candidates, int member, int offset, Span<float> values, Span<float> scratch, DType? roundThrough, DType outputDType, Span<byte> bytes)
    {
        candidates.Compute(member, offset, values, scratch);
        if (!float.IsFinite(TensorPrimitives.Sum(values)) && HasNonFinite(values))
        {
            return false;
        }

        if (roundThrough is { } dtype)
        {
            Precision.RoundInPlace(values, dtype);
        }

        DTypeCodec.Encode(outputDType, values, bytes);
        DTypeCodec.Decode(outputDType, bytes, values);
        return true;
    }

    private static bool HasNonFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Each member's merge context over the sources they share (<see cref="ReadAlike"/>), with its own parameters, for
    /// finding what members compute alike; it writes nowhere.
    /// </summary>
    private static List<MergeTensorContext> MemberContexts(IReadOnlyList<(int Member, TensorPlan Tensor)> group, TensorSource? baseSource, IReadOnlyList<TensorSource> sources) =>
        group.Select(g => new MergeTensorContext
        {
            TensorName = g.Tensor.Name,
            Shape = g.Tensor.Shape,
            IsEmbedding = g.Tensor.IsEmbedding,
            Base = baseSource,
            BaseModel = g.Tensor.Base?.Model,
            Models = g.Tensor.Inputs.Select((input, i) => new ModelTensor(input.Model, sources[i], input.Parameters)).ToList(),
            Parameters = g.Tensor.Parameters,
            Seed = g.Tensor.Seed,
            Output = new ArrayTensorSink(0),
        }).ToList();

    /// <summary>Whether the members' tensors of one position merge the same stored tensors in the same order into the same output, so model i of each reads the same values.</summary>
    private static bool ReadAlike(UnitAssignment shared, IReadOnlyList<(int Member, TensorPlan Tensor)> group)
    {
        var tensor = group[0].Tensor;
        var firstReads = TensorReads.Of(tensor, shared.Members[group[0].Member].ModelPaths);
        return group.All(g => ReadsLike(g.Tensor, tensor) && TensorReads.Of(g.Tensor, shared.Members[g.Member].ModelPaths).SequenceEqual(firstReads));
    }

    /// <summary>Whether a member's tensor is computed by a merge from the same inputs, into the same output, as another's.</summary>
    private static bool ReadsLike(TensorPlan tensor, TensorPlan other) =>
        tensor.Kind == TensorKind.Merge
        && other.Kind == TensorKind.Merge
        && tensor.Sidecars.Count == 0
        && SameOutput(tensor, other)
        && tensor.ComputeDType == other.ComputeDType
        && SameInput(tensor.Base, other.Base)
        && tensor.Inputs.Count == other.Inputs.Count
        && tensor.Inputs.Zip(other.Inputs).All(pair => SameInput(pair.First, pair.Second));

    private static bool SameInput(TensorInput? input, TensorInput? other) =>
        input is null ? other is null : other is not null && input.Rows is null && other.Rows is null && input.Model == other.Model && input.Tensor == other.Tensor;
}
