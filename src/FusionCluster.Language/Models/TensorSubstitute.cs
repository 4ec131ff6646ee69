using FusionCluster.Core.Methods;

namespace FusionCluster.Language.Models;

/// <summary>The values to use for the parameter <paramref name="name"/> (a full tensor name) instead of the checkpoint's, or null to read the checkpoint's.</summary>
public delegate ValueTask<TensorSource?> TensorSubstitute(string name, CancellationToken cancellationToken);
