namespace FusionCluster.Language.Corpora;

/// <summary>What <see cref="TextCorpusBuilder"/> wrote for one domain.</summary>
/// <param name="Name">fortunes or python-docs: the files are NAME.train.txt and NAME.validation.txt.</param>
/// <param name="Source">The folder it was read from.</param>
/// <param name="AvailableDocuments">Documents the source has.</param>
public sealed record TextCorpusDomain(string Name, string Source, int AvailableDocuments, int TrainDocuments, int ValidationDocuments, long TrainBytes, long ValidationBytes);
