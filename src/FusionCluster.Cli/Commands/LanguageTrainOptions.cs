using System.CommandLine;
using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Training;
using FusionCluster.Language;
using FusionCluster.Language.Training;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// The options of fusion train --arch llama: --text FILE [--base DIR] [--layers --hidden --heads --kv-heads --ffn
/// --context --steps --lr --seed --tokenizer]. Options it shares with the classifier trainer (--hidden, --lr,
/// --batch-size) keep the language model's own defaults unless given.
/// </summary>
public sealed class LanguageTrainOptions
{
    private static readonly LanguageTrainingOptions Defaults = new();

    private readonly Option<FileInfo?> text = new("--text") { Description = "llama: UTF-8 text to train on" };
    private readonly Option<FileInfo?> tokenizer = new("--tokenizer") { Description = "llama from scratch: this tokenizer.json instead of a byte-level one" };
    private readonly Option<int> layers = new("--layers") { Description = "llama: decoder layers", DefaultValueFactory = _ => Defaults.Layers };
    private readonly Option<int> heads = new("--heads") { Description = "llama: attention heads", DefaultValueFactory = _ => Defaults.Heads };
    private readonly Option<int> kvHeads = new("--kv-heads") { Description = "llama: key/value heads", DefaultValueFactory = _ => Defaults.KvHeads };
    private readonly Option<int> ffn = new("--ffn") { Description = "llama: MLP width", DefaultValueFactory = _ => Defaults.Ffn };
    private readonly Option<int> context = new("--context") { Description = "llama: tokens per training window (and max_position_embeddings of a new model; with --base at most the base's)", DefaultValueFactory = _ => Defaults.Context };
    private readonly Option<int> steps = new("--steps") { Description = "llama: optimizer steps", DefaultValueFactory = _ => Defaults.Steps };

    /// <summary>The options only a llama takes.</summary>
    public IReadOnlyList<Option> All => [text, tokenizer, layers, heads, kvHeads, ffn, context, steps];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public int Run(ParseResult parse, string outputFolder, string? baseFolder, Option<string> hidden, Option<ulong> seed, Option<int> batchSize, Option<double> learningRate, Option<int> threads, LocalRoots roots, CancellationToken cancellationToken)
    {
        if (parse.GetValue(text) is not { } textFile)
        {
            return MergeCommand.Fail("--arch llama needs --text FILE");
        }

        LanguageTrainingOptions options;
        string textPath;
        try
        {
            // With data roots (--data-root) the text, the tokenizer and the base folder must resolve inside them.
            textPath = roots.CheckFile(textFile.FullName, "text file");
            baseFolder = baseFolder is null ? null : roots.Check(baseFolder, "base folder");
            var hiddenText = parse.GetValue(hidden)!;
            var hiddenSize = Defaults.Hidden;
            if (Given(parse, hidden) && !int.TryParse(hiddenText, NumberStyles.None, CultureInfo.InvariantCulture, out hiddenSize))
            {
                throw new FormatException($"--hidden {hiddenText}: expected one positive integer for llama");
            }

            options = new LanguageTrainingOptions
            {
                BaseCheckpoint = baseFolder,
                Tokenizer = parse.GetValue(tokenizer) is { } tokenizerFile ? roots.CheckFile(tokenizerFile.FullName, "tokenizer file") : null,
                Layers = parse.GetValue(layers),
                Hidden = hiddenSize,
                Heads = parse.GetValue(heads),
                KvHeads = parse.GetValue(kvHeads),
                Ffn = parse.GetValue(ffn),
                Context = parse.GetValue(context),
                Steps = parse.GetValue(steps),
                BatchSize = Given(parse, batchSize) ? parse.GetValue(batchSize) : Defaults.BatchSize,
                LearningRate = Given(parse, learningRate) ? parse.GetValue(learningRate) : Defaults.LearningRate,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
            };
            options.Validate();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or StorageException)
        {
            return MergeCommand.Fail(e.Message);
        }

        try
        {
            var summary = LanguageModelTrainer.TrainAndSave(File.ReadAllText(textPath), options, outputFolder, cancellationToken);
            var what = baseFolder is null ? "llama from scratch" : $"fine-tune of {baseFolder}";
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {what} ({summary.Parameters:N0} parameters) on {summary.TextTokens} tokens, {summary.Steps} steps in {summary.Seconds:F1} s: final loss {summary.FinalLoss:F4} -> {outputFolder}"));
            return 0;
        }
        catch (OperationCanceledException)
        {
            return MergeCommand.Fail("cancelled", 130);
        }
        catch (Exception e) when (e is LanguageModelException or CheckpointException or TrainingDivergedException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return MergeCommand.Fail(e.Message);
        }
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
