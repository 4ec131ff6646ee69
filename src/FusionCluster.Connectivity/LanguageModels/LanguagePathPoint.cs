namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>One evaluated point of the path between two language models: α, perplexity and its log, the mean NLL per predicted token.</summary>
public sealed record LanguagePathPoint(double Alpha, double Perplexity, double Loss);
