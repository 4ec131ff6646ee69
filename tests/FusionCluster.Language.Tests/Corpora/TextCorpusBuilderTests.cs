using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Language.Corpora;

namespace FusionCluster.Language.Tests.Corpora;

public sealed class TextCorpusBuilderTests
{
    [Fact]
    public void Html_becomes_plain_text_without_tags_scripts_entities_or_permalinks()
    {
        const string html = """
            <h1>json — JSON encoder<a class="headerlink" href="#x">¶</a></h1>
            <script>var x = "<p>not text</p>";</script><style>p { color: red }</style>
            <p>Use   <code>json.dumps(obj)</code> &amp; <em>friends</em>&nbsp;here.</p><!-- a comment -->
            <pre>&gt;&gt;&gt; import json
            &gt;&gt;&gt; json.dumps([1])</pre>
            """;

        var text = TextCorpusBuilder.HtmlToText(html);

        Assert.Equal("json — JSON encoder\n\nUse json.dumps(obj) & friends here.\n\n>>> import json\n>>> json.dumps([1])", text);
    }

    [Fact]
    public void A_corpus_holds_out_every_nth_document_and_the_same_sources_give_the_same_bytes()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);

        var domains = TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python }, temp.Combine("one"));
        TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python }, temp.Combine("two"));

        // 20 fortunes in "jokes" (jokes.dat and the jokes.u8 link are not fortune files): 2 held out, 18 for training.
        Assert.Equal(20, domains[0].AvailableDocuments);
        Assert.Equal((18, 2), (domains[0].TrainDocuments, domains[0].ValidationDocuments));
        var train = Documents(temp.Combine("one", "fortunes.train.txt"));
        var validation = Documents(temp.Combine("one", "fortunes.validation.txt"));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"fortune number {i}\n-- someone").Order(), train.Concat(validation).Order());
        // Python pages: index.html and the two library pages, their main blocks only; genindex is skipped. Fewer
        // pages than 10: the last is held out.
        var pages = Documents(temp.Combine("one", "python-docs.train.txt")).Concat(Documents(temp.Combine("one", "python-docs.validation.txt"))).ToList();
        Assert.Equal(["Python docs home.", "The json module.\n\nIt encodes.", "The os module."], pages.Order());
        Assert.Equal((2, 1), (domains[1].TrainDocuments, domains[1].ValidationDocuments));
        Assert.DoesNotContain(pages, p => p.Contains("sidebar", StringComparison.Ordinal));
        // Both domains in the union files, and the same bytes from the same sources.
        Assert.Equal(train.Count + Documents(temp.Combine("one", "python-docs.train.txt")).Count, Documents(temp.Combine("one", "train.txt")).Count);
        foreach (var file in new[] { "fortunes.train.txt", "fortunes.validation.txt", "python-docs.train.txt", "train.txt", "validation.txt", "corpus.json" })
        {
            Assert.Equal(File.ReadAllBytes(temp.Combine("one", file)), File.ReadAllBytes(temp.Combine("two", file)));
        }

        Assert.Equal(20, JsonNode.Parse(File.ReadAllText(temp.Combine("one", "corpus.json")))!["domains"]![0]!["available_documents"]!.GetValue<int>());
    }

    [Fact]
    public void The_byte_cap_bounds_each_domain()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);

        // Each fortune is 27 or 28 bytes plus a 2-byte separator: 300 bytes take 10 of them, the 5th and 10th held out.
        var domains = TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python, MaxBytesPerDomain = 300, ValidationEvery = 5 }, temp.Combine("out"));

        Assert.Equal((8, 2), (domains[0].TrainDocuments, domains[0].ValidationDocuments));
        Assert.True(domains[0].TrainBytes + domains[0].ValidationBytes <= 300);
    }

    [Fact]
    public void A_missing_package_is_an_error_naming_the_folder_and_the_package()
    {
        using var temp = new TempDirectory();
        var (fortunes, _) = HandMadePackages(temp);

        var error = Assert.Throws<DatasetFormatException>(() => TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = temp.Combine("no-docs") }, temp.Combine("out")));

        Assert.Contains(temp.Combine("no-docs"), error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install python3-doc", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out", "train.txt")));
    }

    [Fact]
    public void With_data_roots_a_documentation_page_linked_from_outside_them_is_refused()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);
        var secret = temp.Combine("outside", "secret.html");
        Directory.CreateDirectory(Path.GetDirectoryName(secret)!);
        File.WriteAllText(secret, Page("<p>The secret.</p>"));
        File.CreateSymbolicLink(Path.Combine(python, "library", "leak.html"), secret);
        var roots = new LocalRoots([fortunes, python, temp.Combine("out")]);

        var error = Assert.Throws<StorageException>(() => TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python, Roots = roots }, temp.Combine("out")));

        Assert.Contains("leak.html", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out", "train.txt")));
        // Without roots the same link is read, as before: the check is the roots', not a blanket refusal of links.
        TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python }, temp.Combine("open"));
        Assert.Contains("The secret.", File.ReadAllText(temp.Combine("open", "python-docs.train.txt")) + File.ReadAllText(temp.Combine("open", "python-docs.validation.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public void With_data_roots_an_output_folder_outside_them_is_refused()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);
        var roots = new LocalRoots([fortunes, python]);

        var error = Assert.Throws<StorageException>(() => TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python, Roots = roots }, temp.Combine("out")));

        Assert.Contains("corpus folder", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void A_folder_holding_a_users_train_txt_is_refused_and_left_as_it_was()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);
        Directory.CreateDirectory(temp.Combine("home"));
        File.WriteAllText(temp.Combine("home", "train.txt"), "my own notes");

        var error = Assert.Throws<IOException>(() => TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python }, temp.Combine("home")));

        Assert.Contains("not a corpus folder", error.Message, StringComparison.Ordinal);
        Assert.Equal("my own notes", File.ReadAllText(temp.Combine("home", "train.txt")));
        Assert.Equal(["train.txt"], Directory.EnumerateFileSystemEntries(temp.Combine("home")).Select(Path.GetFileName));
    }

    [Fact]
    public void Rebuilding_a_corpus_replaces_a_planted_symlink_instead_of_writing_through_it()
    {
        using var temp = new TempDirectory();
        var (fortunes, python) = HandMadePackages(temp);
        var options = new TextCorpusOptions { FortunesFolder = fortunes, PythonDocsFolder = python };
        TextCorpusBuilder.Build(options, temp.Combine("out"));
        var victim = temp.Combine("victim.txt");
        File.WriteAllText(victim, "untouched");
        File.Delete(temp.Combine("out", "validation.txt"));
        File.CreateSymbolicLink(temp.Combine("out", "validation.txt"), victim);

        TextCorpusBuilder.Build(options, temp.Combine("out"));

        Assert.Equal("untouched", File.ReadAllText(victim));
        Assert.False(LocalPath.IsLink(temp.Combine("out", "validation.txt")));
        Assert.Contains("fortune number", File.ReadAllText(temp.Combine("out", "validation.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_debian_packages_give_two_different_domains_of_plain_text()
    {
        if (!File.Exists("/usr/share/games/fortunes/fortunes") || !File.Exists("/usr/share/doc/python3-doc/html/index.html"))
        {
            Assert.Skip("fortunes or python3-doc is not installed (deploy/local/prerequisites installs them)");
        }

        using var temp = new TempDirectory();

        var domains = TextCorpusBuilder.Build(new TextCorpusOptions { MaxBytesPerDomain = 200_000 }, temp.Combine("out"));

        Assert.All(domains, d => Assert.InRange(d.TrainBytes + d.ValidationBytes, 150_000, 200_000));
        var python = File.ReadAllText(temp.Combine("out", "python-docs.train.txt"));
        var fortunes = File.ReadAllText(temp.Combine("out", "fortunes.train.txt"));
        // Sphinx wraps every inline literal in <span class="pre"> and ends headings with ¶; the docs' own examples may hold HTML.
        Assert.DoesNotContain("<span class=\"pre\">", python, StringComparison.Ordinal);
        Assert.DoesNotContain("¶", python, StringComparison.Ordinal);
        Assert.Contains(">>> ", python, StringComparison.Ordinal);
        Assert.True(Count(python, "def ") + Count(python, "import ") > 10 * (Count(fortunes, "def ") + Count(fortunes, "import ") + 1), "the Python docs are about Python, the fortunes are not");
    }

    private static int Count(string text, string word) => (text.Length - text.Replace(word, "", StringComparison.Ordinal).Length) / word.Length;

    private static List<string> Documents(string file) =>
        File.ReadAllText(file).TrimEnd('\n').Split("\n\n").Where(d => d.Length > 0).Aggregate(new List<string>(), (list, part) =>
        {
            // A Python page may hold blank lines inside one document; the hand-made ones start with "The" or "Python".
            if (list.Count > 0 && !part.StartsWith("fortune", StringComparison.Ordinal) && !part.StartsWith("The", StringComparison.Ordinal) && !part.StartsWith("Python", StringComparison.Ordinal))
            {
                list[^1] += "\n\n" + part;
            }
            else
            {
                list.Add(part);
            }

            return list;
        });

    private static (string Fortunes, string Python) HandMadePackages(TempDirectory temp)
    {
        var fortunes = temp.Combine("fortunes");
        Directory.CreateDirectory(fortunes);
        File.WriteAllText(Path.Combine(fortunes, "jokes"), string.Concat(Enumerable.Range(0, 20).Select(i => $"fortune number {i}\n-- someone\n%\n")));
        File.WriteAllBytes(Path.Combine(fortunes, "jokes.dat"), [1, 2, 3]);
        File.CreateSymbolicLink(Path.Combine(fortunes, "jokes.u8"), "jokes");
        // The builder checks for Debian's main file, "fortunes".
        File.WriteAllText(Path.Combine(fortunes, "fortunes"), "");
        var python = temp.Combine("python");
        Directory.CreateDirectory(Path.Combine(python, "library"));
        File.WriteAllText(Path.Combine(python, "index.html"), Page("<p>Python docs home.</p>"));
        File.WriteAllText(Path.Combine(python, "genindex.html"), Page("<p>The index, skipped.</p>"));
        File.WriteAllText(Path.Combine(python, "library", "json.html"), Page("<h1>The json module.</h1><p>It encodes.</p>"));
        File.WriteAllText(Path.Combine(python, "library", "os.html"), Page("<p>The os module.</p>"));
        return (fortunes, python);
    }

    private static string Page(string body) =>
        $"""<html><head><title>x</title></head><body><div class="related">nav</div><div class="body" role="main">{body}</div><div class="sphinxsidebar" role="navigation">sidebar</div></body></html>""";
}
