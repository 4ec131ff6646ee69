using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.ChatTemplates;

/// <summary>
/// Where a Hugging Face tokenizer keeps its chat template, read and written the way transformers does:
/// <c>chat_template.jinja</c> when present (it overrides the config), else the <c>chat_template</c> field of
/// tokenizer_config.json, which is either the template text or a list of {name, template} whose
/// <c>default</c> entry is the template that applies.
/// </summary>
public static class TokenizerChatTemplate
{
    public const string ConfigFileName = "tokenizer_config.json";
    public const string JinjaFileName = "chat_template.jinja";
    public const string Key = "chat_template";

    // Hugging Face writes tokenizer_config.json unescaped (ensure_ascii=False); the default encoder would turn
    // every '<' of "<|im_start|>" and every non-ASCII token into \uXXXX. Still valid JSON, just unreadable.
    private static readonly JsonSerializerOptions ConfigJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The template the checkpoint's tokenizer applies, trimmed, or null when it has none.</summary>
    /// <exception cref="CheckpointException">tokenizer_config.json is not JSON, or its chat_template has an unexpected shape.</exception>
    public static async Task<string?> ReadAsync(ICheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.AuxiliaryFiles.Contains(JinjaFileName, StringComparer.Ordinal))
        {
            var jinja = NonEmpty(Encoding.UTF8.GetString(await checkpoint.ReadAuxiliaryFileAsync(JinjaFileName, cancellationToken)));
            if (jinja is not null)
            {
                return jinja;
            }
        }

        if (!checkpoint.AuxiliaryFiles.Contains(ConfigFileName, StringComparer.Ordinal))
        {
            return null;
        }

        var where = $"{checkpoint.Location}/{ConfigFileName}";
        var config = ParseConfig(await checkpoint.ReadAuxiliaryFileAsync(ConfigFileName, cancellationToken), where);
        return FromConfigValue(config[Key], where);
    }

    /// <summary>The template in a chat_template value (text, or a list of {name, template}), or null for none.</summary>
    /// <param name="value">The value of tokenizer_config.json's chat_template key.</param>
    /// <param name="where">The file, for messages.</param>
    public static string? FromConfigValue(JsonNode? value, string where)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonValue text when text.TryGetValue<string>(out var template):
                return NonEmpty(template);
            case JsonArray named:
                // transformers turns the list into a name -> template map and applies "default"; the other
                // entries (tool_use, rag ...) are only used when asked for by name.
                foreach (var entry in named)
                {
                    if (entry is not JsonObject pair || pair["name"] is not JsonValue name || !name.TryGetValue<string>(out var entryName)
                        || pair["template"] is not JsonValue body || !body.TryGetValue<string>(out var entryTemplate))
                    {
                        throw new CheckpointException($"{where}: {Key}: every entry of the list must be {{\"name\": ..., \"template\": ...}} with string values, got {entry?.ToJsonString() ?? "null"}");
                    }

                    if (entryName == "default")
                    {
                        return NonEmpty(entryTemplate);
                    }
                }

                return null;
            default:
                throw new CheckpointException($"{where}: {Key}: expected the template text or a list of {{name, template}}, got {value.GetValueKind().ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>
    /// Puts a template into the tokenizer files of a merge's output: the chat_template field of
    /// tokenizer_config.json (created when the tokenizer has none) and, when the tokenizer has one,
    /// chat_template.jinja. Every other field and file is kept as it was.
    /// </summary>
    /// <param name="files">The tokenizer files to publish; changed in place, order kept.</param>
    /// <param name="template">The template text.</param>
    /// <param name="source">Where the tokenizer files came from, for messages.</param>
    public static void WriteInto(List<PublishedFile> files, string template, string source)
    {
        var configIndex = files.FindIndex(f => f.Name == ConfigFileName);
        var config = configIndex >= 0 ? ParseConfig(files[configIndex].Content, $"{source}/{ConfigFileName}") : [];

        // A list of named templates is replaced by the text, as transformers does when a tokenizer is given a
        // single template: the list's other entries belonged to the old template's prompt format.
        config[Key] = template;
        var configFile = new PublishedFile(ConfigFileName, Encoding.UTF8.GetBytes(config.ToJsonString(ConfigJson) + "\n"));
        if (configIndex >= 0)
        {
            files[configIndex] = configFile;
        }
        else
        {
            files.Add(configFile);
        }

        var jinjaIndex = files.FindIndex(f => f.Name == JinjaFileName);
        if (jinjaIndex >= 0)
        {
            files[jinjaIndex] = new PublishedFile(JinjaFileName, Encoding.UTF8.GetBytes(template));
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static JsonObject ParseConfig(byte[] content, string where)
    {
        JsonNode? node;
        try
        {
            // Files saved by Windows editors may start with a byte order mark, which the UTF-8 reader refuses.
            node = JsonNode.Parse(content.AsSpan().StartsWith(Utf8Bom) ? content.AsSpan(Utf8Bom.Length) : content);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{where}: not valid JSON: {e.Message}", e);
        }

        return node as JsonObject ?? throw new CheckpointException($"{where}: expected a JSON object at the top level");
    }

    // mergekit strips templates before counting them, so two that differ only in surrounding whitespace are one.
    private static string? NonEmpty(string template) => template.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}
