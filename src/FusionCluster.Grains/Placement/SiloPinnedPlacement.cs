using Orleans.Runtime;

namespace FusionCluster.Grains.Placement;

/// <summary>Places a grain on the silo whose address (SiloAddress.ToParsableString()) is its key, and nowhere else.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("fc.SiloPinnedPlacement")]
public sealed class SiloPinnedPlacement : PlacementStrategy;
