using FusionCluster.Core.Methods;
using FusionCluster.Core.Methods.Kernels;
using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>
/// Magnitude selections planned before a merge and found together with other candidates' (<see cref="IMagnitudeSelectingMethod"/>):
/// what TIES and breadcrumbs plan, and that a merge takes the selections it is given.
/// </summary>
public sealed class GtaFoundSelectionsTests
{
    // More than the sampled band path's minimum (4 × 16,384 keys), so selections take it as in real tensors.
    private const int Elements = 200_000;

    [Fact]
    public void Ties_plans_one_selection_per_sparsified_model_and_breadcrumbs_two()
    {
        var ties = Planned("ties", [Density(0.3), Density(1), Density(0.6)], 1000);
        Assert.Equal([new MagnitudeSelection(0, 300), new MagnitudeSelection(2, 600)], ties!.Selections);
        Assert.Equal(1000, ties.Plan.Total);

        // density 0.5, gamma 0.1 of 1,000: the top 100 are dropped again from the top 600 (mergekit keeps ranks 400-899 from the bottom).
        var breadcrumbs = Planned("breadcrumbs_ties", [new() { ["weight"] = 1, ["density"] = 0.5, ["gamma"] = 0.1 }], 1000);
        Assert.Equal([new MagnitudeSelection(0, 600), new MagnitudeSelection(0, 100)], breadcrumbs!.Selections);
    }

    [Fact]
    public void Methods_without_magnitude_selections_or_with_parameters_their_merge_refuses_plan_none()
    {
        Assert.Null(Planned("dare_ties", [Density(0.5)], 1000));
        Assert.Null(Planned("ties", [Density(1)], 1000));
        // int(0.0005 * 1000) = 0: the merge refuses it, naming the model; planning leaves that to the merge.
        Assert.Null(Planned("ties", [Density(0.0005)], 1000));
        Assert.Throws<MergeMethodException>(() => Merge("ties", [Density(0.0005)], 1000, _ => null));
    }

    [Fact]
    public void A_merge_takes_the_selections_found_for_it_and_they_give_its_own_bytes()
    {
        TestModel[] models = [new(Random(Elements, 2), Density(0.3)), new(Random(Elements, 3), Density(0.7))];
        var alone = Merge("ties", models, Elements, _ => null);
        var found = Merge("ties", models, Elements, ctx => FindAll(ctx, PlanOf("ties", ctx)!.Selections));
        Assert.Equal(alone, found);
    }

    [Fact]
    public void A_merge_uses_what_it_is_given_rather_than_finding_its_own()
    {
        // Model 0's selection for density 0.5 is handed the top 20 % instead: the result is then the density 0.2 merge.
        TestModel[] half = [new(Random(Elements, 4), Density(0.5))];
        TestModel[] fifth = [new(half[0].Values, Density(0.2))];
        var given = Merge("ties", half, Elements, ctx =>
        {
            var top20 = TaskVectors.SelectMagnitudes(ChunkPlan.Flat(ctx), [new MagnitudeSelection(0, Elements / 5)], ctx.Models, ctx.Base!)[0];
            return new FoundSelections(new Dictionary<MagnitudeSelection, TopKSelection> { [new MagnitudeSelection(0, Elements / 2)] = top20 });
        });

        Assert.Equal(Merge("ties", fifth, Elements, _ => null), given);
        Assert.NotEqual(Merge("ties", half, Elements, _ => null), given);
    }

    [Fact]
    public void A_selection_over_other_chunks_is_not_taken()
    {
        // Tie ordinals are per chunk, so a selection found over other chunks would mark the wrong ties: the merge finds its own.
        TestModel[] models = [new(Random(Elements, 5), Density(0.5))];
        var alone = Merge("ties", models, Elements, _ => null);
        var wanted = new MagnitudeSelection(0, Elements / 2);
        var otherChunks = Merge("ties", models, Elements, ctx =>
        {
            var elsewhere = TaskVectors.SelectMagnitudes(new ChunkPlan(Elements, 1000), [new MagnitudeSelection(0, Elements / 5)], ctx.Models, ctx.Base!)[0];
            return new FoundSelections(new Dictionary<MagnitudeSelection, TopKSelection> { [wanted] = elsewhere });
        });

        Assert.Equal(alone, otherChunks);
    }

    private static Dictionary<string, double> Density(double density) => new() { ["weight"] = 1, ["density"] = density };

    private static PlannedSelections? Planned(string method, Dictionary<string, double>[] parameters, int elements) =>
        PlanOf(method, Context(method, parameters.Select((p, i) => new TestModel(Random(elements, 10 + i), p)).ToArray(), elements, null, new ArrayTensorSink(elements)));

    private static PlannedSelections? PlanOf(string method, MergeTensorContext ctx) => ((IMagnitudeSelectingMethod)MergeMethodRegistry.Get(method)).PlanSelections(ctx);

    private static FoundSelections FindAll(MergeTensorContext ctx, IReadOnlyList<MagnitudeSelection> wanted)
    {
        var selected = TaskVectors.SelectMagnitudes(ChunkPlan.Flat(ctx), wanted, ctx.Models, ctx.Base!);
        return new FoundSelections(wanted.Select((w, i) => (w, selected[i])).ToDictionary(p => p.w, p => p.Item2));
    }

    private static float[] Merge(string method, Dictionary<string, double>[] parameters, int elements, Func<MergeTensorContext, FoundSelections?> find) =>
        Merge(method, parameters.Select((p, i) => new TestModel(Random(elements, 20 + i), p)).ToArray(), elements, find);

    /// <summary>The merge's output, its context given the selections <paramref name="find"/> finds for a context without any.</summary>
    private static float[] Merge(string method, TestModel[] models, int elements, Func<MergeTensorContext, FoundSelections?> find)
    {
        var sink = new ArrayTensorSink(elements);
        var selections = find(Context(method, models, elements, null, new ArrayTensorSink(elements)));
        MergeMethodRegistry.Get(method).Merge(Context(method, models, elements, selections, sink));
        return sink.Values;
    }

    private static readonly float[] BaseValues = Random(Elements, 1);

    private static MergeTensorContext Context(string method, TestModel[] models, int elements, FoundSelections? selections, ArrayTensorSink sink)
    {
        var shape = new long[] { elements };
        var defaults = MergeMethodRegistry.Get(method).Parameters.Where(p => p.Scope == ParameterScope.Global && p.Default is not null).ToDictionary(p => p.Name, p => p.Default!.Value);
        return new MergeTensorContext
        {
            TensorName = "layers.0.weight",
            Shape = shape,
            Base = new ArrayTensorSource(BaseValues.AsSpan(0, elements).ToArray(), shape),
            BaseModel = "base",
            Models = models.Select((m, i) => new ModelTensor($"model{i}", new ArrayTensorSource(m.Values, shape), m.Parameters!)).ToList(),
            Parameters = defaults,
            Selections = selections,
            Output = sink,
        };
    }
}
