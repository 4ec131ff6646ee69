using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tokenizers;

/// <summary>
/// Appends tokens to a copied Hugging Face tokenizer the way <c>add_tokens</c> followed by <c>save_pretrained</c>
/// would: new <c>added_tokens</c> entries in tokenizer.json, new <c>added_tokens_decoder</c> entries in
/// tokenizer_config.json, and new entries in added_tokens.json when the tokenizer has that file. Every other
/// field and file stays as it was.
/// </summary>
public static class TokenizerFiles
{
    public const string ConfigFileName = "tokenizer_config.json";
    public const string AddedTokensFileName = "added_tokens.json";

    // Hugging Face writes these files unescaped (ensure_ascii=False); the default encoder would turn every '<' of
    // "<|im_start|>" and every non-ASCII token into \uXXXX.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="files">The tokenizer files to publish; changed in place, order kept.</param>
    /// <param name="added">The tokens to append, with their ids.</param>
    /// <param name="source">Where the tokenizer files came from, for messages.</param>
    /// <exception cref="TokenizerException">There is no tokenizer.json, or a file is not the JSON it should be.</exception>
    public static void AddTokens(List<PublishedFile> files, IReadOnlyList<AddedTokenEntry> added, string source)
    {
        if (added.Count == 0)
        {
            return;
        }

        var tokenizerIndex = files.FindIndex(f => f.Name == TokenizerVocabulary.FileName);
        if (tokenizerIndex < 0)
        {
            throw new TokenizerException($"{source}: has no {TokenizerVocabulary.FileName}, which a union tokenizer extends");
        }

        var tokenizer = ParseObject(files[tokenizerIndex].Content, $"{source}/{TokenizerVocabulary.FileName}");
        if (tokenizer["added_tokens"] is not JsonArray list)
        {
            list = [];
            tokenizer["added_tokens"] = list;
        }

        foreach (var token in added)
        {
            list.Add(new JsonObject
            {
                ["id"] = token.Id,
                ["content"] = token.Content,
                ["single_word"] = token.SingleWord,
                ["lstrip"] = token.Lstrip,
                ["rstrip"] = token.Rstrip,
                ["normalized"] = token.Normalized,
                ["special"] = token.Special,
            });
        }

        files[tokenizerIndex] = Serialize(TokenizerVocabulary.FileName, tokenizer);

        var configIndex = files.FindIndex(f => f.Name == ConfigFileName);
        if (configIndex >= 0)
        {
            var config = ParseObject(files[configIndex].Content, $"{source}/{ConfigFileName}");
            if (config["added_tokens_decoder"] is not JsonObject decoder)
            {
                decoder = [];
                config["added_tokens_decoder"] = decoder;
            }

            foreach (var token in added)
            {
                decoder[token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["content"] = token.Content,
                    ["lstrip"] = token.Lstrip,
                    ["normalized"] = token.Normalized,
                    ["rstrip"] = token.Rstrip,
                    ["single_word"] = token.SingleWord,
                    ["special"] = token.Special,
                };
            }

            files[configIndex] = Serialize(ConfigFileName, config);
        }

        var addedIndex = files.FindIndex(f => f.Name == AddedTokensFileName);
        if (addedIndex >= 0)
        {
            var map = ParseObject(files[addedIndex].Content, $"{source}/{AddedTokensFileName}");
            foreach (var token in added)
            {
                map[token.Content] = token.Id;
            }

            files[addedIndex] = Serialize(AddedTokensFileName, map);
        }
    }

    private static PublishedFile Serialize(string name, JsonObject node) => new(name, Encoding.UTF8.GetBytes(node.ToJsonString(Json) + "\n"));

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static JsonObject ParseObject(byte[] content, string where)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(content.AsSpan().StartsWith(Utf8Bom) ? content.AsSpan(Utf8Bom.Length) : content);
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{where}: not valid JSON: {e.Message}", e);
        }

        return node as JsonObject ?? throw new TokenizerException($"{where}: expected a JSON object at the top level");
    }
}
