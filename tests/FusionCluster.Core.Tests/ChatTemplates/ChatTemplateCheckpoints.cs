using System.Text.Json.Nodes;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.ChatTemplates;

/// <summary>Tiny real checkpoint folders whose tokenizer files carry the chat templates a test chooses.</summary>
internal static class ChatTemplateCheckpoints
{
    private static readonly SyntheticModelShape Shape = new(Hidden: 8, Intermediate: 16, Layers: 1, Vocab: 32, Heads: 2);

    /// <summary>Fields a real tokenizer_config.json has besides the template, which a merge must keep; no chat_template key when null.</summary>
    public static JsonObject TokenizerConfig(JsonNode? chatTemplate)
    {
        var config = new JsonObject
        {
            ["add_bos_token"] = true,
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["model_max_length"] = 1000000000000000019884624838656.0,
            ["added_tokens_decoder"] = new JsonObject
            {
                ["32000"] = new JsonObject { ["content"] = "<|im_end|>", ["special"] = true },
            },
            ["tokenizer_class"] = "LlamaTokenizer",
        };
        if (chatTemplate is not null)
        {
            config["chat_template"] = chatTemplate;
        }

        return config;
    }

    /// <summary>Writes a checkpoint to <paramref name="folder"/>; a null config leaves out tokenizer_config.json.</summary>
    public static string Write(string folder, JsonObject? tokenizerConfig, string? jinjaFile = null, int variant = 0)
    {
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 5, variant: variant, cancellationToken: TestContext.Current.CancellationToken);
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (tokenizerConfig is null)
        {
            File.Delete(configPath);
        }
        else
        {
            File.WriteAllText(configPath, tokenizerConfig.ToJsonString());
        }

        if (jinjaFile is not null)
        {
            File.WriteAllText(Path.Combine(folder, "chat_template.jinja"), jinjaFile);
        }

        return folder;
    }

    /// <summary>The list form of chat_template that transformers writes for tokenizers with several named templates.</summary>
    public static JsonArray NamedTemplates(params (string Name, string Template)[] entries) =>
        new(entries.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["template"] = e.Template }).ToArray());
}
