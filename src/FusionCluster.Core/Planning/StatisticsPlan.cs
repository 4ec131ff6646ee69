namespace FusionCluster.Core.Planning;

/// <summary>
/// A job's statistics phase, planned for a data-aware merge method (regmean, fisher, regmean_plus_plus): one unit per
/// model computes <see cref="Kind"/> on the first <see cref="Samples"/> training samples of its dataset, and the
/// merge units read every model's result. A sequential kind (<see cref="Methods.StatisticsKinds.IsSequential"/>)
/// has one such phase per layer instead (<see cref="Layers"/>), each after the one before.
/// </summary>
/// <param name="Kind">One of <see cref="Methods.StatisticsKinds"/>.</param>
/// <param name="Models">The models, in spec order; each is one unit (per layer for a sequential kind).</param>
/// <param name="Datasets">Per model, its dataset file resolved against the spec's folder.</param>
public sealed record StatisticsPlan(string Kind, IReadOnlyList<string> Models, IReadOnlyDictionary<string, string> Datasets, int Samples)
{
    /// <summary>For a sequential kind, the number of linear layers (<c>layers.0</c> ..), each a statistics phase of its own; 0 otherwise.</summary>
    public int Layers { get; init; }

    /// <summary>For a sequential kind, RegMean's <c>reduce_non_diagonal_ratio</c>: a statistics unit merges the layers (or decoder blocks) before its own with it.</summary>
    public double Ratio { get; init; }

    /// <summary>
    /// For llama-family checkpoints, the number of decoder blocks: each model's statistics are then one unit per block
    /// (the Gram matrices of that block's linear layers' inputs, the last block's unit also lm_head's), so a unit's
    /// float64 sums stay bounded by one block's widths; 0 for classifiers (one unit per model). With
    /// <see cref="Learning"/> (AdaMerging of llamas) the phase is still one unit, and this marks the models as llamas. For a
    /// sequential kind (RegMean++) each block is a phase of its own, after every earlier block's.
    /// </summary>
    public int Blocks { get; init; }

    /// <summary>For a joint kind (AdaMerging's coefficients): how they are learned; null otherwise.</summary>
    public CoefficientLearning? Learning { get; init; }
}
