using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using Tokenizers.DotNet;

namespace FusionCluster.Language.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json run by the tokenizers library's own Rust core (through Tokenizers.DotNet),
/// so encoding is exactly the library's: normalizer, pre-tokenizer, model and the post-processor's special
/// tokens (e.g. a template's &lt;s&gt;).
/// </summary>
public sealed class HfTokenizer : IDisposable
{
    public const string FileName = "tokenizer.json";

    private readonly Tokenizer tokenizer;

    private HfTokenizer(string path, Tokenizer tokenizer, int vocabularySize)
    {
        FilePath = path;
        this.tokenizer = tokenizer;
        VocabularySize = vocabularySize;
    }

    public string FilePath { get; }

    /// <summary>One more than the largest id in the model's vocabulary and the added tokens.</summary>
    public int VocabularySize { get; }

    /// <summary>Loads <c>tokenizer.json</c> from a checkpoint folder, or the file itself when given a file; inside <paramref name="roots"/> when given.</summary>
    public static HfTokenizer Load(string folderOrFile, LocalRoots? roots = null)
    {
        var path = Path.GetFullPath(Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile);
        if (!File.Exists(path))
        {
            throw new LanguageModelException($"{path}: missing (a fast tokenizer's tokenizer.json is needed)");
        }

        path = roots?.CheckFile(path, "tokenizer file") ?? path;

        int vocabularySize;
        try
        {
            vocabularySize = LargestId(JsonNode.Parse(File.ReadAllText(path)) as JsonObject) + 1;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new LanguageModelException($"{path}: not valid JSON: {e.Message}", e);
        }

        try
        {
            return new HfTokenizer(path, new Tokenizer(vocabPath: path), vocabularySize);
        }
        catch (TokenizerException e)
        {
            throw new LanguageModelException($"{path}: the tokenizers library cannot load it: {e.Message}", e);
        }
    }

    /// <summary>
    /// A tokenizer.json's bytes as a checkpoint store returns them (blobs have no local path); <paramref name="source"/>
    /// names it in errors. The native library reads only files, so the bytes pass through a private temporary file.
    /// </summary>
    public static HfTokenizer FromBytes(byte[] json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        var folder = Directory.CreateTempSubdirectory("fusion-tokenizer-");
        try
        {
            var path = Path.Combine(folder.FullName, FileName);
            File.WriteAllBytes(path, json);
            try
            {
                return Load(path);
            }
            catch (LanguageModelException e)
            {
                throw new LanguageModelException($"{source}: {e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}", e);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, with the special tokens the post-processor adds.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return tokenizer.Encode(text).Select(id => checked((int)id)).ToArray();
    }

    public string Decode(IEnumerable<int> ids) => tokenizer.Decode(ids.Select(id => checked((uint)id)).ToArray());

    /// <summary>Frees the native tokenizer.</summary>
    public void Dispose() => tokenizer.Dispose();

    private static int LargestId(JsonObject? json)
    {
        var largest = -1;
        if (json?["model"]?["vocab"] is JsonObject vocabulary)
        {
            foreach (var (_, id) in vocabulary)
            {
                largest = Math.Max(largest, id?.GetValue<int>() ?? -1);
            }
        }
        else if (json?["model"]?["vocab"] is JsonArray pieces)
        {
            // Unigram models list [piece, score] pairs; the id is the position.
            largest = pieces.Count - 1;
        }

        foreach (var added in json?["added_tokens"] as JsonArray ?? [])
        {
            largest = Math.Max(largest, added?["id"]?.GetValue<int>() ?? -1);
        }

        return largest;
    }
}
