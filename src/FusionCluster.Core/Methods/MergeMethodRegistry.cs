using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Methods;

/// <summary>All merge methods by their mergekit name.</summary>
public static class MergeMethodRegistry
{
    private static readonly Dictionary<string, IMergeMethod> Methods = Create()
        .ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => Methods.Keys;

    public static IMergeMethod Get(string name) =>
        Methods.TryGetValue(name, out var method) ? method : throw new MergeMethodException(UnknownMessage(name));

    /// <summary>The error for a merge_method no method has: the closest name, if one is close, and every name.</summary>
    public static string UnknownMessage(string name) =>
        $"unknown merge_method '{name}'{SpellingSuggestion.Hint(name, Methods.Keys)}; known methods: {string.Join(", ", Methods.Keys.Order(StringComparer.Ordinal))}";

    public static bool TryGet(string name, out IMergeMethod? method) => Methods.TryGetValue(name, out method);

    private static IEnumerable<IMergeMethod> Create()
    {
        yield return new LinearMethod();
        yield return new SlerpMethod();
        yield return new NuSlerpMethod();
        yield return new MultiSlerpMethod();
        yield return new KarcherMethod();
        // (sparsifier, sign consensus, default normalize, default rescale) as in mergekit's registry.
        yield return new GeneralizedTaskArithmetic("task_arithmetic", GtaSparsifier.None, false, false, false);
        yield return new GeneralizedTaskArithmetic("ties", GtaSparsifier.Magnitude, true, true, false);
        yield return new GeneralizedTaskArithmetic("dare_ties", GtaSparsifier.Random, true, false, true);
        yield return new GeneralizedTaskArithmetic("dare_linear", GtaSparsifier.Random, false, false, true);
        yield return new GeneralizedTaskArithmetic("breadcrumbs", GtaSparsifier.MagnitudeOutliers, false, false, false);
        yield return new GeneralizedTaskArithmetic("breadcrumbs_ties", GtaSparsifier.MagnitudeOutliers, true, false, false);
        yield return new GeneralizedTaskArithmetic("della", GtaSparsifier.DellaMagprune, true, true, true);
        yield return new GeneralizedTaskArithmetic("della_linear", GtaSparsifier.DellaMagprune, false, false, true);
        yield return new SceMethod();
        yield return new ModelStockMethod();
        yield return new NearswapMethod();
        yield return new ArceeFusionMethod();
        yield return new PassthroughMethod();
        // Beyond mergekit's registry (issue 14): RAM parity, then the data-free methods of recent papers.
        yield return new RamMethod();
        yield return new RamPlusTensorLocalMethod();
        yield return new TsvMergeMethod();
        yield return new IsoCMethod();
        yield return new IsoCtsMethod();
        yield return new WudiMethod();
        // Data-aware (issue 14): their statistics come from a statistics phase on each model's dataset.
        yield return new RegMeanMergeMethod();
        yield return new FisherMergeMethod();
        yield return new RegMeanPlusPlusMergeMethod();
        yield return new AdaMergingMergeMethod();
        yield return new EmrMethod();
    }
}
