namespace FusionCluster.Core.Planning;

/// <summary>Row <paramref name="Row"/> of source <paramref name="Source"/> (an index into <see cref="RowMap.Sources"/>).</summary>
public sealed record RowReference(int Source, long Row);
