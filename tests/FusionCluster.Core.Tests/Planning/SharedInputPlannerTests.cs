using System.Text.Json;
using FusionCluster.Core.Planning;
using static FusionCluster.Core.Tests.Planning.PlanningFixtures;

namespace FusionCluster.Core.Tests.Planning;

public sealed class SharedInputPlannerTests
{
    private const int Layers = 3;

    private static readonly Dictionary<string, ModelInfo> ThreeModels = Models(Llama("a", Layers), Llama("b", Layers), Llama("c", Layers));

    [Fact]
    public void Ten_points_over_the_same_inputs_share_every_unit_and_read_its_inputs_once()
    {
        var candidates = Enumerable.Range(0, 10).Select(i => Candidate($"p{i}", Linear(("a", 1), ("b", 1 + i), ("c", 2)))).ToList();
        var alone = candidates[0].Plan!;

        var plan = SharedInputPlanner.Plan(candidates);

        Assert.Equal(alone.Units.Select(u => u.Name), plan.Units.Select(u => u.Name));
        Assert.Equal(Enumerable.Range(0, plan.Units.Count), plan.Units.Select(u => u.Index));
        foreach (var unit in plan.Units)
        {
            Assert.Empty(unit.Tensors);
            Assert.Equal(Enumerable.Range(0, 10).Select(c => new UnitMember(c, unit.Index)), unit.Members);
            // All ten read the same stored tensors: the shared unit reads what one merge reads.
            Assert.Equal(alone.Units[unit.Index].InputBytes, unit.InputBytes);
        }

        Assert.Same(candidates, plan.Candidates);
        Assert.Equal(alone.TotalInputBytes, plan.TotalInputBytes);
        Assert.Equal(new[] { "/models/a", "/models/b", "/models/c" }, plan.ModelPaths.Values.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Candidates_beyond_the_bound_split_a_unit_into_groups()
    {
        var candidates = Enumerable.Range(0, 10).Select(i => Candidate($"p{i}", Linear(("a", 1), ("b", 1 + i), ("c", 2)))).ToList();
        var layer = candidates[0].Plan!.Units[1];
        // Room for the layer's inputs once and three candidates' outputs: groups of 3, 3, 3 and 1.
        var bound = layer.InputBytes + (3 * layer.OutputBytes);

        var plan = SharedInputPlanner.Plan(candidates, bound);

        var groups = plan.Units.Where(u => u.Members[0].Unit == layer.Index).ToList();
        Assert.Equal([3, 3, 3, 1], groups.Select(g => g.Members.Count));
        Assert.Equal([$"{layer.Name} (1/4)", $"{layer.Name} (2/4)", $"{layer.Name} (3/4)", $"{layer.Name} (4/4)"], groups.Select(g => g.Name));
        Assert.Equal(Enumerable.Range(0, 10), groups.SelectMany(g => g.Members).Select(m => m.Candidate));
        Assert.All(plan.Units, u => Assert.True(
            u.Members.Count == 1 || u.InputBytes + u.Members.Sum(m => candidates[m.Candidate].Plan!.Units[m.Unit].OutputBytes) <= bound,
            $"{u.Name} holds more than the bound"));
    }

    [Fact]
    public void A_unit_larger_than_the_bound_still_runs_one_candidate_at_a_time()
    {
        var candidates = Enumerable.Range(0, 3).Select(i => Candidate($"p{i}", Linear(("a", 1), ("b", i + 1)))).ToList();

        var plan = SharedInputPlanner.Plan(candidates, maxGroupBytes: 1);

        Assert.Equal(3 * candidates[0].Plan!.Units.Count, plan.Units.Count);
        Assert.All(plan.Units, u => Assert.Single(u.Members));
    }

    [Fact]
    public void Candidates_with_different_inputs_share_units_and_count_each_distinct_read_once()
    {
        var ab = Candidate("ab", Linear(("a", 1), ("b", 2)));
        var ab2 = Candidate("ab2", Linear(("a", 3), ("b", 1)));
        var ac = Candidate("ac", Linear(("a", 1), ("c", 2)));

        var plan = SharedInputPlanner.Plan([ab, ab2, ac]);

        Assert.Equal(ab.Plan!.Units.Count, plan.Units.Count);
        foreach (var unit in plan.Units)
        {
            Assert.Equal([0, 1, 2], unit.Members.Select(m => m.Candidate));
            // ab and ab2 read the same tensors (counted once); ac reads others.
            Assert.Equal(ab.Plan.Units[unit.Index].InputBytes + ac.Plan!.Units[unit.Index].InputBytes, unit.InputBytes);
        }
    }

    [Theory]
    [InlineData(0, new[] { 3 })]
    [InlineData(-1, new[] { 2, 1 })] // a byte short: ac's reads, which the group has not seen, no longer fit
    public void A_group_counts_the_reads_a_member_adds_once_against_the_bound(long slack, int[] expected)
    {
        var ab = Candidate("ab", Linear(("a", 1), ("b", 2)));
        var ab2 = Candidate("ab2", Linear(("a", 3), ("b", 1)));
        var ac = Candidate("ac", Linear(("a", 1), ("c", 2)));
        var (layerAb, layerAc) = (ab.Plan!.Units[1], ac.Plan!.Units[1]);
        // ab2 reads what ab reads, so the three hold ab's and ac's inputs once and three outputs.
        var bound = layerAb.InputBytes + layerAc.InputBytes + (3 * layerAb.OutputBytes) + slack;

        var plan = SharedInputPlanner.Plan([ab, ab2, ac], bound);

        Assert.Equal(expected, plan.Units.Where(u => u.Members[0].Unit == layerAb.Index).Select(g => g.Members.Count));
    }

    [Fact]
    public void A_candidate_that_could_not_be_planned_takes_no_part()
    {
        var failed = new CandidatePlan("broken", "", "/out/broken", "job-1") { Error = "broken: bad density" };
        var good = Candidate("good", Linear(("a", 1), ("b", 2)));

        var plan = SharedInputPlanner.Plan([failed, good]);

        Assert.All(plan.Units, u => Assert.Equal([new UnitMember(1, u.Index)], u.Members));
        Assert.Equal("linear", plan.Method);
    }

    [Fact]
    public void A_candidate_that_aligns_is_refused_by_name()
    {
        var plain = Candidate("aligned", Linear(("a", 1), ("b", 2)));
        var aligned = plain with { Plan = plain.Plan! with { Align = new AlignPlan("weight_matching", "a", ["b"], Iterations: 10, Seed: 0, PermutationSpecFile: null) } };

        var e = Assert.Throws<ArgumentException>(() => SharedInputPlanner.Plan([aligned]));
        Assert.Contains("'aligned'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_whose_job_has_an_align_or_statistics_phase_is_refused_naming_it()
    {
        var plain = Candidate("plain", Linear(("a", 1), ("b", 1)));
        var aligning = plain with { Name = "aligning", Plan = plain.Plan! with { Align = new AlignPlan("weight_matching", "a", ["b"], 10, 0, null) } };
        var dataAware = plain with { Name = "regmean", Plan = plain.Plan! with { Statistics = new StatisticsPlan("gram", ["a", "b"], new Dictionary<string, string>(), 16) } };

        Assert.Contains("'aligning' aligns its models", Assert.Throws<ArgumentException>(() => SharedInputPlanner.Plan([plain, aligning])).Message, StringComparison.Ordinal);
        Assert.Contains("'regmean' computes statistics", Assert.Throws<ArgumentException>(() => SharedInputPlanner.Plan([plain, dataAware])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_plan_read_back_from_its_json_is_the_plan_it_was()
    {
        // A job runs the plan it made and stores it as JSON; a job resumed on another silo runs the JSON read back. Both are
        // the same plan only if every field written reads back: written again, the copy is the same JSON.
        var plan = SharedInputPlanner.Plan(
        [
            Candidate("linear", Linear(("a", 1), ("b", 2.5), ("c", 0.125))),
            Candidate("ties", "merge_method: ties\nbase_model: a\nmodels:\n  - model: b\n    parameters: {weight: 0.7, density: 0.4}\n  - model: c\n    parameters: {weight: 0.3, density: 0.6}\nparameters: {normalize: true}\ndtype: bfloat16\n"),
            Candidate("slerp", "merge_method: slerp\nbase_model: a\nmodels:\n  - model: a\n  - model: b\nparameters: {t: 0.3}\n"),
            new CandidatePlan("unplanned", "merge_method: linear", "/out/unplanned", "job-unplanned") { Error = "unplanned: a weight of -1" },
        ]);

        var json = JsonSerializer.Serialize(plan);
        var back = JsonSerializer.Deserialize<MergePlan>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(plan.Candidates!.Select(c => c.Plan?.Units.Sum(u => u.Tensors.Count)), back.Candidates!.Select(c => c.Plan?.Units.Sum(u => u.Tensors.Count)));
        Assert.Contains("\"density\":0.4", json, StringComparison.Ordinal);
    }

    private static CandidatePlan Candidate(string name, string yaml) =>
        new(name, yaml, $"/out/{name}", $"job-{name}") { Plan = Plan(yaml, ThreeModels) };

    private static string Linear(params (string Model, double Weight)[] models) =>
        "merge_method: linear\nmodels:\n" + string.Concat(models.Select(m => $"  - model: {m.Model}\n    parameters:\n      weight: {m.Weight}\n"));
}
