namespace FusionCluster.Dashboard.Connectivity;

/// <summary>One point of a path: α, the loss, and accuracy (classifiers) or perplexity (language models).</summary>
public sealed record ConnectPointView(double Alpha, double Loss, double Metric);
