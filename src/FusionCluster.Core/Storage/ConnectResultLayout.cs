namespace FusionCluster.Core.Storage;

/// <summary>
/// A published connect result (<c>fusion connect --publish</c>): a folder or blob prefix holding
/// <see cref="DocumentFileName"/> (the paths, their points and barriers), <see cref="PlotFileName"/> and the
/// manifest, written last. The dashboard lists the results one level below its Fusion:Dashboard:ConnectResults.
/// </summary>
public static class ConnectResultLayout
{
    public const string DocumentFileName = "connect.json";
    public const string PlotFileName = "connect.png";

    /// <summary>The value of the document's "format" key; a reader refuses any other.</summary>
    public const string Format = "fusioncluster-connect/1";

    /// <summary>The kinds of result: classifiers carry accuracy per point, language models perplexity.</summary>
    public const string ClassifierKind = "classifier";
    public const string LanguageKind = "language";
}
