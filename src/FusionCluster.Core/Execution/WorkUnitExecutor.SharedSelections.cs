using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>A shared unit's magnitude selections, found for all its candidates at once.</summary>
public sealed partial class WorkUnitExecutor
{
    /// <summary>The most memory the bands of one pass of selections may hold at worst (<see cref="BatchedTopKSelection.MostBandBytes"/>).</summary>
    private const long SelectionPassBytes = UnitMemory.BytesPerUnit / 4;

    /// <summary>
    /// Finds the magnitude selections of a position's members that merge the same inputs (<see cref="IMagnitudeSelectingMethod"/>:
    /// a TIES density grid's ten candidates need twenty selections) in one pass over the inputs instead of one per member,
    /// and more passes only where the unit's memory bound requires. Each is the exact set the member's merge alone would
    /// find, so outputs do not change. Per member of <paramref name="group"/>, its selections, or null where the member finds
    /// its own: another method, other inputs, parameters its merge refuses (the merge then says why), or a read that failed.
    /// </summary>
    private async Task<FoundSelections?[]> FindSelectionsTogetherAsync(
        UnitAssignment shared,
        IReadOnlyList<(int Member, TensorPlan Tensor)> group,
        SharedTensorReads reads,
        CancellationToken cancellationToken)
    {
        var found = new FoundSelections?[group.Count];
        if (group.Count < 2 || group[0].Tensor.Base is not { } baseInput || !ReadAlike(shared, group))
        {
            return found;
        }

        try
        {
            var first = shared.Members[group[0].Member];
            var tensor = group[0].Tensor;
            ValueTask<StoredTensor> Open(string model, string name) => reads.OpenAsync(first, model, name, cancellationToken);
            var baseSource = await OpenInputAsync(tensor, baseInput, Open);
            var sources = new List<TensorSource>();
            foreach (var input in tensor.Inputs)
            {
                sources.Add(await OpenInputAsync(tensor, input, Open));
            }

            var contexts = MemberContexts(group, baseSource, sources);
            var planned = group
                .Select((g, k) => methods.Resolve(shared.Members[g.Member].Method, shared.Members[g.Member].Device) is IMagnitudeSelectingMethod method ? method.PlanSelections(contexts[k]) : null)
                .ToList();
            if (planned.FirstOrDefault(p => p is not null)?.Plan is not { } plan)
            {
                return found;
            }

            var together = Enumerable.Range(0, group.Count).Where(k => planned[k] is { } p && p.Plan.SameChunksAs(plan)).ToList();
            if (together.Count < 2)
            {
                return found;
            }

            var wanted = together.SelectMany(k => planned[k]!.Selections).Distinct().ToList();
            var selected = new Dictionary<MagnitudeSelection, TopKSelection>();
            var perPass = (int)Math.Clamp(SelectionPassBytes / Math.Max(1, BatchedTopKSelection.MostBandBytes(plan.Total)), 1, int.MaxValue);
            foreach (var pass in wanted.Chunk(perPass))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var results = TaskVectors.SelectMagnitudes(plan, pass, contexts[0].Models, baseSource);
                for (var r = 0; r < pass.Length; r++)
                {
                    selected[pass[r]] = results[r];
                }
            }

            foreach (var k in together)
            {
                found[k] = new FoundSelections(planned[k]!.Selections.Distinct().ToDictionary(w => w, w => selected[w]));
            }

            return found;
        }
        catch (Exception e) when (IsCandidateFailure(e))
        {
            // Each member's merge finds its own and reports the failure as its own.
            return new FoundSelections?[group.Count];
        }
    }
}
