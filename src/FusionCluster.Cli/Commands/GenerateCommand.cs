using System.CommandLine;
using FusionCluster.Core.Formats;
using FusionCluster.Language;
using FusionCluster.Language.Generation;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// fusion generate MODEL --prompt TEXT [--max-new-tokens N] [--temperature T --seed S]: continues a prompt with
/// a Llama-family checkpoint and its tokenizer.json, greedily unless a temperature is given, and prints the
/// prompt with its continuation.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<DirectoryInfo>("model") { Description = "checkpoint folder (config.json, safetensors, tokenizer.json)" };
        var prompt = new Option<string>("--prompt") { Description = "text to continue", Required = true };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "tokens to generate at most (fewer at an end-of-sequence token)", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy; otherwise sample from softmax(logits / T)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the sampling", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = LanguageDevice.Description, DefaultValueFactory = _ => "cpu" };

        var command = new Command("generate", "Continue a prompt with a Llama-family language model (llama, mistral, qwen2)")
        {
            model, prompt, maxNewTokens, temperature, seed, device,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                var folder = parse.GetValue(model)!.FullName;
                using var tokenizer = HfTokenizer.Load(folder);
                var promptIds = tokenizer.Encode(parse.GetValue(prompt)!);
                using var network = LanguageModelCheckpoint.Load(folder, LanguageDevice.Resolve(parse.GetValue(device)!));
                var newTokens = parse.GetValue(maxNewTokens);
                var positions = network.Config.MaxPositionEmbeddings;
                if (newTokens > 0 && (long)promptIds.Length + newTokens > positions)
                {
                    System.Console.Error.WriteLine($"note: {promptIds.Length} prompt tokens and up to {newTokens} new ones pass the model's max_position_embeddings of {positions}; each step past it sees only the last {positions} tokens");
                }

                var generated = TextGenerator.Generate(network, promptIds, newTokens, parse.GetValue(temperature), parse.GetValue(seed), cancellationToken);
                System.Console.WriteLine(tokenizer.Decode(promptIds.Concat(generated)));
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(MergeCommand.Fail("cancelled", 130));
            }
            catch (Exception e) when (e is LanguageModelException or CheckpointException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(MergeCommand.Fail(e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message));
            }
        });
        return command;
    }
}
