using System.CommandLine;
using System.Globalization;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language;
using FusionCluster.Language.Corpora;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion bench lm-merge: the real-text merge experiment (<see cref="LanguageMergeExperiment"/>) with its sizes as options.</summary>
public static class BenchLmMergeCommand
{
    public static Command Create()
    {
        var defaults = new LanguageMergeExperimentOptions { Work = "" };
        var work = new Option<DirectoryInfo>("--work") { Description = "where the corpus, models, merges, ensemble and results go", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "fusion-bench-lm-merge")) };
        var fortunes = new Option<DirectoryInfo>("--fortunes") { Description = "the fortunes package's folder", DefaultValueFactory = _ => new DirectoryInfo(TextCorpusOptions.DebianFortunesFolder) };
        var pythonDocs = new Option<DirectoryInfo>("--python-docs") { Description = "the python3-doc package's HTML folder", DefaultValueFactory = _ => new DirectoryInfo(TextCorpusOptions.DebianPythonDocsFolder) };
        var corpusBytes = new Option<string>("--corpus-bytes") { Description = "text per domain, train and validation together", DefaultValueFactory = _ => defaults.CorpusBytes.ToString(CultureInfo.InvariantCulture) };
        var layers = new Option<int>("--layers") { Description = "decoder layers", DefaultValueFactory = _ => defaults.Layers }.Positive();
        var hidden = new Option<int>("--hidden") { Description = "hidden size", DefaultValueFactory = _ => defaults.Hidden }.Positive();
        var heads = new Option<int>("--heads") { Description = "attention heads", DefaultValueFactory = _ => defaults.Heads }.Positive();
        var kvHeads = new Option<int>("--kv-heads") { Description = "key/value heads", DefaultValueFactory = _ => defaults.KvHeads }.Positive();
        var ffn = new Option<int>("--ffn") { Description = "MLP width", DefaultValueFactory = _ => defaults.Ffn }.Positive();
        var context = new Option<int>("--context") { Description = "tokens per training and perplexity window", DefaultValueFactory = _ => defaults.Context }.Positive();
        var baseSteps = new Option<int>("--base-steps") { Description = "optimizer steps of the base (both domains)", DefaultValueFactory = _ => defaults.BaseSteps }.Positive();
        var fineTuneSteps = new Option<int>("--fine-tune-steps") { Description = "optimizer steps of each fine-tune", DefaultValueFactory = _ => defaults.FineTuneSteps }.Positive();
        var batchSize = new Option<int>("--batch-size") { Description = "windows per step", DefaultValueFactory = _ => defaults.BatchSize }.Positive();
        var learningRate = new Option<double>("--lr") { Description = "learning rate of the base", DefaultValueFactory = _ => defaults.LearningRate };
        var fineTuneLearningRate = new Option<double>("--fine-tune-lr") { Description = "learning rate of the fine-tunes", DefaultValueFactory = _ => defaults.FineTuneLearningRate };
        var adaMergingSteps = new Option<int>("--adamerging-steps") { Description = "Adam steps of adamerging's coefficients", DefaultValueFactory = _ => defaults.AdaMergingSteps }.Positive();
        var seed = new Option<ulong>("--seed") { Description = "seed of the weights, the data order and DARE", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int>("--threads") { Description = "torch threads for training", DefaultValueFactory = _ => defaults.Threads }.Positive();
        var methods = new Option<string>("--methods") { Description = "merge methods, comma-separated", DefaultValueFactory = _ => string.Join(",", LanguageMergeExperiment.AllMethods) };

        var command = new Command("lm-merge", "Train a tiny llama on fortunes + Python docs, fine-tune it on each, merge the fine-tunes with every method, ensemble them, and tabulate validation perplexity")
        {
            work, fortunes, pythonDocs, corpusBytes, layers, hidden, heads, kvHeads, ffn, context, baseSteps, fineTuneSteps, batchSize, learningRate, fineTuneLearningRate, adaMergingSteps, seed, threads, methods,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!ByteSize.TryParse(parse.GetValue(corpusBytes), out var bytes))
            {
                return MergeCommand.Fail($"--corpus-bytes {parse.GetValue(corpusBytes)}: expected a size such as 400KB");
            }

            var options = new LanguageMergeExperimentOptions
            {
                Work = parse.GetValue(work)!.FullName,
                FortunesFolder = parse.GetValue(fortunes)!.FullName,
                PythonDocsFolder = parse.GetValue(pythonDocs)!.FullName,
                CorpusBytes = bytes,
                Layers = parse.GetValue(layers),
                Hidden = parse.GetValue(hidden),
                Heads = parse.GetValue(heads),
                KvHeads = parse.GetValue(kvHeads),
                Ffn = parse.GetValue(ffn),
                Context = parse.GetValue(context),
                BaseSteps = parse.GetValue(baseSteps),
                FineTuneSteps = parse.GetValue(fineTuneSteps),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                FineTuneLearningRate = parse.GetValue(fineTuneLearningRate),
                AdaMergingSteps = parse.GetValue(adaMergingSteps),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Methods = parse.GetValue(methods)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            };
            try
            {
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"llama {options.Layers} layers, hidden {options.Hidden}, {options.Heads}/{options.KvHeads} heads, ffn {options.Ffn}, context {options.Context}, byte-level tokenizer; base {options.BaseSteps} steps, fine-tunes {options.FineTuneSteps} steps of {options.BatchSize} windows; {options.Threads} torch threads; work {options.Work}"));
                var results = await LanguageMergeExperiment.RunAsync(options, System.Console.Out, cancellationToken);
                System.Console.WriteLine();
                System.Console.WriteLine("validation perplexity (both: over the two domains' tokens together); eval tokens/s: forward tokens per second of evaluation");
                System.Console.WriteLine(LanguageMergeExperiment.Header);
                foreach (var row in results["rows"]!.AsArray())
                {
                    System.Console.WriteLine(LanguageMergeExperiment.FormatRow(row!));
                }

                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results["seconds"]!.GetValue<double>():F0} s in all; {Path.Combine(options.Work, LanguageMergeExperiment.ResultsFileName)} and results.md hold the table"));
                return 0;
            }
            catch (OperationCanceledException)
            {
                return MergeCommand.Fail("cancelled", 130);
            }
            catch (Exception e) when (e is DatasetFormatException or LanguageModelException or EvaluationException or CheckpointException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }
}
