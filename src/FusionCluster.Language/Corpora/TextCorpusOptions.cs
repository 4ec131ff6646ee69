using FusionCluster.Core.Storage;

namespace FusionCluster.Language.Corpora;

/// <summary>Where <see cref="TextCorpusBuilder"/> reads its two domains and how much it keeps.</summary>
public sealed record TextCorpusOptions
{
    /// <summary>Debian's <c>fortunes</c> package.</summary>
    public const string DebianFortunesFolder = "/usr/share/games/fortunes";

    /// <summary>Debian's <c>python3-doc</c> package (the Python 3 documentation as HTML).</summary>
    public const string DebianPythonDocsFolder = "/usr/share/doc/python3-doc/html";

    public string FortunesFolder { get; init; } = DebianFortunesFolder;

    public string PythonDocsFolder { get; init; } = DebianPythonDocsFolder;

    /// <summary>Bytes of UTF-8 text kept per domain, train and validation together (documents are not cut).</summary>
    public long MaxBytesPerDomain { get; init; } = 1_000_000;

    /// <summary>Every N-th document (in the corpus's fixed order) goes to validation.</summary>
    public int ValidationEvery { get; init; } = 10;

    /// <summary>
    /// The folders the builder may read and write (--data-root): both package folders, every file read from them
    /// and the output folder must resolve inside them, symlinks included.
    /// </summary>
    public LocalRoots Roots { get; init; } = LocalRoots.Anywhere;

    public void Validate()
    {
        if (MaxBytesPerDomain < 1)
        {
            throw new ArgumentException($"--max-bytes {MaxBytesPerDomain}: expected a positive size");
        }

        if (ValidationEvery < 2)
        {
            throw new ArgumentException($"--validation-every {ValidationEvery}: expected at least 2");
        }
    }
}
