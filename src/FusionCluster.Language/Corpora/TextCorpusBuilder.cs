using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Language.Corpora;

/// <summary>
/// Builds a two-domain text corpus from Debian packages available offline: <c>fortunes</c> (each fortune a
/// document) and <c>python3-doc</c> (each HTML page's main text, tags stripped, cut at paragraph boundaries into
/// documents of about 2,000 characters). Documents are put in a fixed pseudo-random order (by the SHA-256 of
/// their source name), every <see cref="TextCorpusOptions.ValidationEvery"/>-th goes to validation, and documents
/// are taken until the domain's byte cap; so the same packages and options give the same bytes. Writes
/// <c>fortunes.{train,validation}.txt</c>, <c>python-docs.{train,validation}.txt</c>, their unions
/// <c>train.txt</c> and <c>validation.txt</c> (the two domains' documents alternating), and <c>corpus.json</c>.
/// Documents are separated by a blank line.
/// </summary>
public static partial class TextCorpusBuilder
{
    public const string Fortunes = "fortunes";
    public const string PythonDocs = "python-docs";
    public const string SummaryFileName = "corpus.json";

    private const int ChunkCharacters = 2000;
    private const string Separator = "\n\n";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<TextCorpusDomain> Build(TextCorpusOptions options, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var fortunes = FortuneDocuments(options.FortunesFolder, options.Roots);
        var python = PythonDocDocuments(options.PythonDocsFolder, options.Roots);
        var output = PrepareOutput(outputFolder, options.Roots);

        var domains = new List<TextCorpusDomain>();
        var splits = new List<(List<string> Train, List<string> Validation)>();
        foreach (var (name, source, documents) in new[] { (Fortunes, options.FortunesFolder, fortunes), (PythonDocs, options.PythonDocsFolder, python) })
        {
            var (train, validation) = Split(documents, options);
            splits.Add((train, validation));
            WriteText(Path.Combine(output, $"{name}.train.txt"), train);
            WriteText(Path.Combine(output, $"{name}.validation.txt"), validation);
            domains.Add(new TextCorpusDomain(name, Path.GetFullPath(source), documents.Count, train.Count, validation.Count, Bytes(train), Bytes(validation)));
        }

        WriteText(Path.Combine(output, "train.txt"), Alternate(splits[0].Train, splits[1].Train));
        WriteText(Path.Combine(output, "validation.txt"), Alternate(splits[0].Validation, splits[1].Validation));
        var summary = new JsonObject
        {
            ["max_bytes_per_domain"] = options.MaxBytesPerDomain,
            ["validation_every"] = options.ValidationEvery,
            ["domains"] = new JsonArray(domains.Select(d => (JsonNode)new JsonObject
            {
                ["name"] = d.Name,
                ["source"] = d.Source,
                ["available_documents"] = d.AvailableDocuments,
                ["train_documents"] = d.TrainDocuments,
                ["validation_documents"] = d.ValidationDocuments,
                ["train_bytes"] = d.TrainBytes,
                ["validation_bytes"] = d.ValidationBytes,
            }).ToArray()),
        };
        WriteAtomically(Path.Combine(output, SummaryFileName), summary.ToJsonString(Indented) + "\n");
        return domains;
    }

    /// <summary>The names of every file <see cref="Build"/> writes.</summary>
    public static IReadOnlyList<string> OutputFileNames { get; } =
    [
        $"{Fortunes}.train.txt", $"{Fortunes}.validation.txt", $"{PythonDocs}.train.txt", $"{PythonDocs}.validation.txt",
        "train.txt", "validation.txt", SummaryFileName,
    ];

    /// <summary>
    /// The resolved output folder, created if missing. A folder that already holds one of the corpus's file names
    /// but no <see cref="SummaryFileName"/> is someone else's: refused rather than overwritten.
    /// </summary>
    private static string PrepareOutput(string outputFolder, LocalRoots roots)
    {
        var output = roots.Check(Path.GetFullPath(outputFolder), "corpus folder");
        if (!File.Exists(Path.Combine(output, SummaryFileName))
            && OutputFileNames.FirstOrDefault(name => Path.Exists(Path.Combine(output, name))) is { } existing)
        {
            throw new IOException($"'{Path.Combine(output, existing)}' exists and '{output}' is not a corpus folder (no {SummaryFileName}); choose a new or empty folder");
        }

        Directory.CreateDirectory(output);
        return output;
    }

    /// <summary>Every fortune of the files directly in <paramref name="folder"/> (not the .dat indexes, .u8 links or the off/ folder), keyed by file and index.</summary>
    public static IReadOnlyList<(string Key, string Text)> FortuneDocuments(string folder, LocalRoots roots)
    {
        var full = RequireFolder(folder, "fortunes", "fortunes", roots);
        var documents = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(full).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name.Contains('.', StringComparison.Ordinal) || new FileInfo(file).LinkTarget is not null)
            {
                continue;
            }

            var index = 0;
            foreach (var fortune in ReadText(file, "fortune file", roots).Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n%\n"))
            {
                var text = fortune.Trim('\n', '%').TrimEnd();
                if (text.Trim().Length > 0)
                {
                    documents.Add(($"{Fortunes}/{name}#{index}", text));
                }

                index++;
            }
        }

        return documents.Count > 0 ? documents : throw new DatasetFormatException(full, "no fortunes found (expected fortune files separated by lines of '%')");
    }

    /// <summary>
    /// The main text of every HTML page under <paramref name="folder"/> (Sphinx's <c>role="main"</c> block; index
    /// and search pages skipped), cut at blank lines into documents of about 2,000 characters.
    /// </summary>
    public static IReadOnlyList<(string Key, string Text)> PythonDocDocuments(string folder, LocalRoots roots)
    {
        var full = RequireFolder(folder, "python3-doc", "index.html", roots);
        var documents = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(full, "*.html", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(full, f)).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (file.StartsWith('_') || name.StartsWith("genindex", StringComparison.Ordinal) || name is "search.html" or "py-modindex.html")
            {
                continue;
            }

            var chunk = 0;
            var current = new StringBuilder();
            foreach (var paragraph in HtmlToText(MainBlock(ReadText(Path.Combine(full, file), "documentation page", roots))).Split(Separator))
            {
                if (current.Length > 0 && current.Length + paragraph.Length > ChunkCharacters)
                {
                    documents.Add(($"{PythonDocs}/{file}#{chunk++}", current.ToString()));
                    current.Clear();
                }

                current.Append(current.Length > 0 ? Separator : "").Append(paragraph);
            }

            if (current.ToString().Trim().Length > 0)
            {
                documents.Add(($"{PythonDocs}/{file}#{chunk}", current.ToString()));
            }
        }

        return documents.Count > 0 ? documents : throw new DatasetFormatException(full, "no HTML pages with text found");
    }

    /// <summary>
    /// Plain text of HTML: scripts and styles dropped, block elements become line breaks, other tags vanish,
    /// entities decoded, Sphinx's ¶ permalinks removed, spaces collapsed within lines, at most one blank line in a row.
    /// </summary>
    public static string HtmlToText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = ScriptOrStyle().Replace(html, "");
        text = Comment().Replace(text, "");
        text = BlockTag().Replace(text, "\n\n");
        text = LineBreak().Replace(text, "\n");
        text = AnyTag().Replace(text, "");
        text = WebUtility.HtmlDecode(text).Replace("¶", "", StringComparison.Ordinal).Replace("\u00a0", " ", StringComparison.Ordinal);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blank > 0 ? Separator : "\n");
            }

            result.Append(line);
            blank = 0;
        }

        return result.ToString();
    }

    private static string MainBlock(string html)
    {
        var start = html.IndexOf("role=\"main\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return html;
        }

        start = html.IndexOf('>', start) + 1;
        var end = html.IndexOf("class=\"sphinxsidebar\"", start, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..html.LastIndexOf('<', end)];
    }

    private static (List<string> Train, List<string> Validation) Split(IReadOnlyList<(string Key, string Text)> documents, TextCorpusOptions options)
    {
        var ordered = documents.OrderBy(d => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(d.Key))), StringComparer.Ordinal).ToList();
        var train = new List<string>();
        var validation = new List<string>();
        long bytes = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var size = Encoding.UTF8.GetByteCount(ordered[i].Text) + Separator.Length;
            if (bytes + size > options.MaxBytesPerDomain && train.Count > 0 && validation.Count > 0)
            {
                break;
            }

            bytes += size;
            (i % options.ValidationEvery == options.ValidationEvery - 1 ? validation : train).Add(ordered[i].Text);
        }

        if (validation.Count == 0 && train.Count >= 2)
        {
            // Fewer documents than ValidationEvery: the last one is held out, so validation is never empty.
            validation.Add(train[^1]);
            train.RemoveAt(train.Count - 1);
        }

        if (validation.Count == 0)
        {
            throw new ArgumentException($"--max-bytes {options.MaxBytesPerDomain}: too small to hold one validation document (every {options.ValidationEvery}th)");
        }

        return (train, validation);
    }

    private static List<string> Alternate(List<string> first, List<string> second)
    {
        var result = new List<string>(first.Count + second.Count);
        for (var i = 0; i < Math.Max(first.Count, second.Count); i++)
        {
            if (i < first.Count)
            {
                result.Add(first[i]);
            }

            if (i < second.Count)
            {
                result.Add(second[i]);
            }
        }

        return result;
    }

    private static void WriteText(string path, IReadOnlyList<string> documents) =>
        WriteAtomically(path, string.Join(Separator, documents) + "\n");

    /// <summary>
    /// Writes a temporary file and renames it over <paramref name="path"/>: a reader never sees half a file, and a
    /// symlink planted at <paramref name="path"/> is replaced, never followed to write outside the folder.
    /// </summary>
    private static void WriteAtomically(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A source file's text, once it resolves inside the roots and is a regular file (not /proc, a pipe or a device).</summary>
    private static string ReadText(string path, string what, LocalRoots roots)
    {
        using var stream = LocalFile.OpenRegular(roots.CheckFile(path, what), what);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static long Bytes(IReadOnlyList<string> documents) => documents.Sum(d => (long)Encoding.UTF8.GetByteCount(d) + Separator.Length);

    private static string RequireFolder(string folder, string package, string expectedFile, LocalRoots roots)
    {
        var full = roots.Check(Path.GetFullPath(folder), $"{package} folder");
        if (!Directory.Exists(full) || !File.Exists(Path.Combine(full, expectedFile)))
        {
            throw new DatasetFormatException(full, $"missing {expectedFile} (Debian: apt-get install {package}; deploy/local/prerequisites installs it)");
        }

        return full;
    }

    [GeneratedRegex("<(script|style)\\b[^>]*>.*?</\\1\\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex("</?(p|div|section|h[1-6]|li|ul|ol|dl|dt|dd|table|tr|pre|blockquote|hr)\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockTag();

    [GeneratedRegex("<br\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex AnyTag();

    [GeneratedRegex("[ \\t]+")]
    private static partial Regex Spaces();
}
