namespace FusionCluster.Grains.Abstractions;

/// <summary>One silo's CPU and memory over the last hours, oldest first (finer the newer, see <c>ResourceHistory</c>).</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloResourceHistory")]
public sealed record SiloResourceHistory([property: Id(0)] string Silo, [property: Id(1)] IReadOnlyList<SiloResourceSample> Samples);
