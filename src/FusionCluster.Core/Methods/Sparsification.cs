namespace FusionCluster.Core.Methods;

/// <summary>
/// Each model's sparsification in a <see cref="GeneralizedTaskArithmetic"/> merge before any tensor is read: the masks known
/// already (random ones), the models dropped whole, the magnitude selections still to find, and for each model masked by them,
/// which selection keeps its elements and which (breadcrumbs' outliers) drops some of those again.
/// </summary>
internal sealed record Sparsification(
    DeltaMask?[] Masks,
    bool[] Zeroed,
    List<MagnitudeSelection> Selections,
    List<(int Model, int Keep, int? Drop)> Pending);
