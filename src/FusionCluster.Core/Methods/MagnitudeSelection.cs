namespace FusionCluster.Core.Methods;

/// <summary>An exact selection of the <paramref name="K"/> largest task-vector magnitudes |x - base| of one model.</summary>
/// <param name="Model">The model's index in <see cref="MergeTensorContext.Models"/>.</param>
public readonly record struct MagnitudeSelection(int Model, long K);
