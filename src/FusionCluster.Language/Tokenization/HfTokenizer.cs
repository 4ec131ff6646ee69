using FusionCluster.Core.Storage;
using Tokenizers.DotNet;
using TokenizerFileException = FusionCluster.Core.Tokenizers.TokenizerException;
using TokenizerVocabulary = FusionCluster.Core.Tokenizers.TokenizerVocabulary;

namespace FusionCluster.Language.Tokenization;

/// <summary>
/// A Hugging Face tokenizer.json run by the tokenizers library's own Rust core (through Tokenizers.DotNet),
/// so encoding is exactly the library's: normalizer, pre-tokenizer, model and the post-processor's special
/// tokens (e.g. a template's &lt;s&gt;).
/// </summary>
public sealed class HfTokenizer : IDisposable
{
    public const string FileName = "tokenizer.json";

    /// <summary>Largest tokenizer.json read (Gemma 3's, 256k tokens with merges, is about 33 MB).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

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
            // A model folder that is not there is that, not a folder without its tokenizer.
            throw new LanguageModelException(Path.Exists(folderOrFile)
                ? $"{path}: missing (a fast tokenizer's tokenizer.json is needed)"
                : $"{path}: no such model folder or tokenizer file");
        }

        // Resolved (links followed, /proc, /sys, /dev and /run refused) even without roots, so the native library
        // opens the file that was checked and read here.
        path = (roots ?? LocalRoots.Anywhere).CheckFile(path, "tokenizer file");

        int vocabularySize;
        try
        {
            // Core's parser checks every id (an integer, in range: TokenizerVocabulary.MaxTokenId) and names the
            // file and key, so a malformed file is this project's error rather than a raw JSON or cast exception.
            vocabularySize = TokenizerVocabulary.Parse(ReadFile(path), path).Size;
        }
        catch (TokenizerFileException e)
        {
            throw new LanguageModelException(e.Message, e);
        }
        catch (StorageException e)
        {
            throw new LanguageModelException($"{path}: {e.Message}", e);
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

    /// <summary>The bytes of a tokenizer.json that is a regular file of at most <see cref="MaxFileBytes"/>, checked before reading.</summary>
    internal static byte[] ReadFile(string path) =>
        LocalFile.ReadAllBytes(path, "tokenizer file", MaxFileBytes, length =>
            new LanguageModelException($"{path}: {length} bytes is more than the {MaxFileBytes}-byte limit for a tokenizer.json"));
}
