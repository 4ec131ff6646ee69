namespace FusionCluster.Core.Planning;

/// <summary>
/// Plans several merges over the same inputs as one job. Each candidate keeps the plan it has alone (its
/// shards, tensor order and metadata do not change); the job's units are shared units: the candidates' units
/// of the same name (the same layer, the embeddings, the head) run together, so each stored tensor they have
/// in common is read once for all of them. A shared unit holds at most <c>maxGroupBytes</c> of inputs (each
/// counted once) and outputs (each candidate's); more candidates than that split into several shared units.
/// </summary>
public static class SharedInputPlanner
{
    /// <summary>The default bound on a shared unit's inputs and outputs together.</summary>
    public const long DefaultGroupBytes = 2L << 30;

    /// <param name="candidates">The merges, each planned alone; those without a plan take no part in any unit.</param>
    /// <param name="maxGroupBytes">Bound on a shared unit's inputs (counted once) plus its candidates' outputs; a single member may exceed it.</param>
    public static MergePlan Plan(IReadOnlyList<CandidatePlan> candidates, long maxGroupBytes = DefaultGroupBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxGroupBytes);
        // Units of the same name, in the order they first appear (candidate by candidate, unit by unit).
        var byName = new Dictionary<string, List<UnitMember>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var c = 0; c < candidates.Count; c++)
        {
            if (candidates[c].Plan is not { } plan)
            {
                continue;
            }

            if (plan.Align is not null)
            {
                throw new ArgumentException($"candidate '{candidates[c].Name}' aligns its models, which shared-input jobs do not run yet", nameof(candidates));
            }

            if (plan.Statistics is not null)
            {
                throw new ArgumentException($"candidate '{candidates[c].Name}' computes statistics of its models' data, which shared-input jobs do not run yet", nameof(candidates));
            }

            foreach (var unit in plan.Units)
            {
                if (!byName.TryGetValue(unit.Name, out var members))
                {
                    byName[unit.Name] = members = [];
                    order.Add(unit.Name);
                }

                members.Add(new UnitMember(c, unit.Index));
            }
        }

        var units = new List<WorkUnit>();
        foreach (var name in order)
        {
            var groups = Split(candidates, byName[name], maxGroupBytes);
            for (var g = 0; g < groups.Count; g++)
            {
                units.Add(new WorkUnit
                {
                    Index = units.Count,
                    Name = groups.Count == 1 ? name : $"{name} ({g + 1}/{groups.Count})",
                    Tensors = [],
                    Members = groups[g].Members,
                    InputBytes = groups[g].InputBytes,
                });
            }
        }

        var planned = candidates.Select((c, i) => (c, i)).Where(p => p.c.Plan is not null).ToList();
        return new MergePlan
        {
            Method = string.Join(",", planned.Select(p => p.c.Plan!.Method).Distinct(StringComparer.Ordinal)),
            ModelPaths = planned
                .SelectMany(p => p.c.Plan!.ModelPaths.Select(m => (Key: $"{p.i}:{m.Key}", m.Value)))
                .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
            Units = units,
            Shards = [],
            Candidates = candidates,
            Warnings = planned.SelectMany(p => p.c.Plan!.Warnings.Select(w => $"{p.c.Name}: {w}")).ToList(),
        };
    }

    /// <summary>
    /// The members in order, a new group whenever the next would take the current one past <paramref name="maxGroupBytes"/>
    /// (its distinct input bytes and every member's output bytes), with each group's input bytes (each distinct set of
    /// stored tensors counted once). Each member adds the bytes of its reads the group has not seen: the footprint grows by
    /// what the member adds, instead of being summed again over every member so far, which cost a hundred-point sweep's
    /// planning seconds; and a group's input bytes are that sum, where counting them again took a fifth of staging a
    /// 400-point sweep.
    /// </summary>
    private static List<(IReadOnlyList<UnitMember> Members, long InputBytes)> Split(IReadOnlyList<CandidatePlan> candidates, List<UnitMember> members, long maxGroupBytes)
    {
        var groups = new List<(IReadOnlyList<UnitMember> Members, long InputBytes)>();
        var current = new List<UnitMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long inputs = 0, outputs = 0;
        foreach (var member in members)
        {
            var plan = candidates[member.Candidate].Plan!;
            var unit = plan.Units[member.Unit];
            var reads = unit.Tensors.Select(t => (Key: TensorReads.Key(t, plan.ModelPaths), Bytes: t.InputBytes)).ToList();
            var unseen = UnseenBytes(reads, seen);
            if (current.Count > 0 && inputs + outputs + unseen + unit.OutputBytes > maxGroupBytes)
            {
                groups.Add((current, inputs));
                (current, inputs, outputs) = ([], 0, 0);
                seen.Clear();
                unseen = UnseenBytes(reads, seen);
            }

            seen.UnionWith(reads.Select(r => r.Key));
            current.Add(member);
            inputs += unseen;
            outputs += unit.OutputBytes;
        }

        if (current.Count > 0)
        {
            groups.Add((current, inputs));
        }

        return groups;
    }

    /// <summary>The bytes of the reads whose keys are not in <paramref name="seen"/>, each key counted once.</summary>
    private static long UnseenBytes(IEnumerable<(string Key, long Bytes)> reads, HashSet<string> seen)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        return reads.Where(r => !seen.Contains(r.Key) && counted.Add(r.Key)).Sum(r => r.Bytes);
    }
}
