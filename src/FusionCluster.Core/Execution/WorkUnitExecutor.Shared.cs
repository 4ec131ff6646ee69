using System.Diagnostics;
using FusionCluster.Core.Methods.Kernels;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>The shared units of shared-input jobs: several candidates' units over common inputs, run together.</summary>
public sealed partial class WorkUnitExecutor
{
    /// <summary>
    /// Runs the members' tensors position by position (the first tensor of every member, then the second, ...),
    /// so a layer's stored tensor is read once and released before the next one is opened. Each member writes
    /// the same bytes to the same places as its unit alone would. A member whose merge fails on its data or
    /// parameters stops there and reports its error; the others go on (its candidate publishes nothing). Other
    /// failures (I/O) fail the whole unit, which is retried as any unit is. A scoring unit told to write a candidate
    /// (<see cref="UnitAssignment.WriteCandidate"/>) also writes that member's tensors, the bytes it scored, to its
    /// candidate's staging, as the member's unit alone would.
    /// </summary>
    private async Task<UnitResult> ExecuteSharedAsync(UnitAssignment shared, Action<long>? tensorDone, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var items = shared.Members
            .SelectMany((member, m) => member.Unit.Tensors.Select((tensor, position) => (Member: m, Tensor: tensor, Position: position, Reads: TensorReads.Of(tensor, member.ModelPaths))))
            .OrderBy(item => item.Position)
            .ToList();
        var warnings = shared.Members.Select(_ => new List<string>()).ToArray();
        var scores = shared.Members.Select(_ => new List<TensorScore>()).ToArray();
        var errors = new string?[shared.Members.Count];
        var outputs = new IMergeOutput?[shared.Members.Count];
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var written = shared.Scoring is null || shared.WriteCandidate is not { } writeCandidate ? -1 : IndexOfCandidate(shared.Members, writeCandidate);
        TensorWriter OpenWritten(TensorPlan tensor) =>
            (outputs[written] ??= stores.OpenOutput(shared.Members[written].OutputLocation, shared.Members[written].JobId)).OpenTensor(shared.Members[written].ShardFiles[tensor.Shard], tensor);
        using var reads = new SharedTensorReads(checkpoints);
        foreach (var item in items)
        {
            reads.Expect(item.Reads);
        }

        // A scoring job computes its members' outputs of one position into memory, then scores them together, so the
        // references are decoded once per position rather than once per member.
        var pending = new List<(int Member, MemoryTensorWriter Output)>();
        long pendingBytes = 0;
        TensorPlan? pendingTensor = null;
        int pendingPosition = -1;
        void ScorePending()
        {
            if (pending.Count == 0)
            {
                return;
            }

            try
            {
                var groups = CandidateGroups.Count(pending.Count, Environment.ProcessorCount, Volatile.Read(ref runningUnits));
                var sums = Scorer(shared).Score(shared.Scoring!, pendingTensor!, pending.Select(p => p.Output.Bytes).ToList(), groups);
                for (var k = 0; k < pending.Count; k++)
                {
                    if (sums[k] is { } score)
                    {
                        scores[pending[k].Member].Add(new TensorScore(pendingTensor!.Name, pendingTensor.Shard, pendingTensor.Offset, score));
                    }
                }
            }
            catch (Exception e) when (IsCandidateFailure(e))
            {
                pending.ForEach(p => errors[p.Member] ??= Describe(e));
            }
            finally
            {
                pending.ForEach(p => p.Output.Dispose());
                pending.Clear();
                pendingBytes = 0;
            }
        }

        var startedPosition = -1;
        var scoredTogether = -1;
        var selections = new Dictionary<int, FoundSelections>();
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A scoring job's members score as the shared unit does.
            var member = shared.Scoring is null ? shared.Members[item.Member] : shared.Members[item.Member] with { Scoring = shared.Scoring };
            if (item.Position != startedPosition)
            {
                startedPosition = item.Position;
                var group = items.Where(i => i.Position == item.Position && errors[i.Member] is null).Select(i => (i.Member, i.Tensor)).ToList();
                if (shared.Scoring is not null)
                {
                    // A position whose members' candidates differ only in parameters of an element-wise method is scored chunk by
                    // chunk, all members together, holding no output.
                    ScorePending();
                    var writtenInGroup = group.FindIndex(g => g.Member == written);
                    if (await TryScoreElementwiseAsync(shared, group, reads, writtenInGroup, OpenWritten, cancellationToken) is { } sums)
                    {
                        for (var k = 0; k < group.Count; k++)
                        {
                            var scored = shared.Members[group[k].Member];
                            outputs[group[k].Member] ??= stores.OpenOutput(scored.OutputLocation, scored.JobId);
                            scores[group[k].Member].Add(new TensorScore(group[k].Tensor.Name, group[k].Tensor.Shard, group[k].Tensor.Offset, sums[k]));
                        }

                        scoredTogether = item.Position;
                    }
                }

                selections.Clear();
                if (scoredTogether != item.Position)
                {
                    var found = await FindSelectionsTogetherAsync(shared, group, reads, cancellationToken);
                    for (var k = 0; k < group.Count; k++)
                    {
                        if (found[k] is { } own)
                        {
                            selections[group[k].Member] = own;
                        }
                    }
                }
            }

            if (pending.Count > 0 && (item.Position != pendingPosition || !SameOutput(item.Tensor, pendingTensor!) || pendingBytes + item.Tensor.ByteLength > ScoringBatchBytes))
            {
                ScorePending();
            }

            if (errors[item.Member] is null && item.Position != scoredTogether)
            {
                try
                {
                    var output = outputs[item.Member] ??= stores.OpenOutput(member.OutputLocation, member.JobId);
                    if (shared.Scoring is null)
                    {
                        await WriteTensorAsync(member, item.Tensor, output, (model, tensor) => reads.OpenAsync(member, model, tensor, cancellationToken), warnings[item.Member], scores[item.Member], cancellationToken, selections: selections.GetValueOrDefault(item.Member));
                    }
                    else
                    {
                        var memory = await ComputeInMemoryAsync(member, item.Tensor, output, (model, tensor) => reads.OpenAsync(member, model, tensor, cancellationToken), warnings[item.Member], cancellationToken, selections: selections.GetValueOrDefault(item.Member), buffers: scoringBuffers);
                        pending.Add((item.Member, memory));
                        if (item.Member == written)
                        {
                            await using var writer = OpenWritten(item.Tensor);
                            writer.WriteRaw(0, memory.Bytes.Span);
                            await writer.CompleteAsync(cancellationToken);
                        }
                        pendingBytes += item.Tensor.ByteLength;
                        pendingTensor = item.Tensor;
                        pendingPosition = item.Position;
                    }
                }
                catch (Exception e) when (IsCandidateFailure(e))
                {
                    errors[item.Member] = Describe(e);
                }
            }

            reads.Release(item.Reads);
            // Progress counts each distinct read once, as the shared unit's InputBytes do.
            if (counted.Add(TensorReads.Key(item.Tensor, member.ModelPaths)))
            {
                tensorDone?.Invoke(item.Tensor.InputBytes);
            }
        }

        ScorePending();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var results = shared.Members
            .Select((member, m) => new UnitResult(member.Unit.Index, member.Unit.InputBytes, errors[m] is null && (shared.Scoring is null || m == written) ? member.Unit.OutputBytes : 0, seconds, warnings[m])
            {
                Candidate = member.Candidate,
                Written = m == written && errors[m] is null,
                Error = errors[m],
                Scores = errors[m] is null ? scores[m] : [],
            })
            .ToList();
        return new UnitResult(shared.Unit.Index, shared.Unit.InputBytes, results.Sum(r => r.OutputBytes), seconds, [])
        {
            Members = results,
        };
    }

    private static int IndexOfCandidate(IReadOnlyList<UnitAssignment> members, int candidate)
    {
        for (var m = 0; m < members.Count; m++)
        {
            if (members[m].Candidate == candidate)
            {
                return m;
            }
        }

        return -1;
    }

    /// <summary>The most bytes of members' outputs a scoring unit holds in memory before scoring them together.</summary>
    private const long ScoringBatchBytes = UnitMemory.BytesPerUnit / 4;

    /// <summary>Whether two members' tensors at one position are the same output tensor, so one scorer call reads its references for both.</summary>
    private static bool SameOutput(TensorPlan a, TensorPlan b) =>
        a.Name == b.Name && a.OutputDType == b.OutputDType && a.Shape.SequenceEqual(b.Shape);

    private static string Describe(Exception e) =>
        e is AggregateException all ? string.Join("; ", all.Flatten().InnerExceptions.Select(i => i.Message).Distinct()) : e.Message;

    /// <summary>
    /// Failures of one candidate's spec, parameters or results (FusionCluster's own exceptions and argument
    /// errors, as the worker's classifier counts them permanent). Cancellation and I/O are the unit's.
    /// </summary>
    private static bool IsCandidateFailure(Exception e) => e switch
    {
        OperationCanceledException or IOException => false,
        AggregateException all => all.Flatten().InnerExceptions.All(IsCandidateFailure),
        ArgumentException or FormatException or NotSupportedException or InvalidDataException => true,
        _ => e.GetType().Namespace?.StartsWith("FusionCluster", StringComparison.Ordinal) == true && e is not StorageException,
    };
}
