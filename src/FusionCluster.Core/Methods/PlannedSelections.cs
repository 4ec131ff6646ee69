using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>The magnitude selections a method's merge of one tensor makes, over the chunks it reads them in.</summary>
public sealed record PlannedSelections(ChunkPlan Plan, IReadOnlyList<MagnitudeSelection> Selections);
