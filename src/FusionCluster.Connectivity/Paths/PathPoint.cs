namespace FusionCluster.Connectivity.Paths;

/// <summary>One evaluated point of a path between two models: its position α in [0, 1], accuracy and mean cross-entropy.</summary>
public sealed record PathPoint(double Alpha, double Accuracy, double Loss);
