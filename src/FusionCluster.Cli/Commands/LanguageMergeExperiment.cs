using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Console;
using FusionCluster.Cli.Hosting;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Language;
using FusionCluster.Language.Corpora;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Training;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// The real-text merge experiment (fusion bench lm-merge): builds the fortunes / Python-docs corpus, trains a
/// tiny byte-level llama on both domains, fine-tunes it on each, merges the fine-tunes with each method on the
/// embedded silo (the fusion merge path), writes their mean-probs ensemble, and measures every model's
/// validation perplexity on each domain and on both (the union: exp of the mean NLL over both domains' tokens).
/// Writes results.json and results.md into the work folder.
/// </summary>
public static class LanguageMergeExperiment
{
    public const string ResultsFileName = "results.json";
    public static readonly IReadOnlyList<string> AllMethods = ["linear", "task_arithmetic", "ties", "dare_ties", "slerp", "model_stock", "regmean", "regmean_plus_plus", "fisher", "adamerging"];
    private static readonly string[] Domains = [TextCorpusBuilder.Fortunes, TextCorpusBuilder.PythonDocs];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<JsonObject> RunAsync(LanguageMergeExperimentOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var unknown = options.Methods.FirstOrDefault(m => !AllMethods.Contains(m, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new ArgumentException($"--methods {unknown}: expected some of {string.Join(", ", AllMethods)}");
        }

        var work = Path.GetFullPath(options.Work);
        var corpus = Path.Combine(work, "corpus");
        var started = DateTime.UtcNow;
        var corpusDomains = TextCorpusBuilder.Build(new TextCorpusOptions { FortunesFolder = options.FortunesFolder, PythonDocsFolder = options.PythonDocsFolder, MaxBytesPerDomain = options.CorpusBytes }, corpus);
        foreach (var domain in corpusDomains)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"corpus {domain.Name}: {domain.TrainBytes:N0} train bytes, {domain.ValidationBytes:N0} validation bytes"));
        }

        var training = new LanguageTrainingOptions
        {
            Layers = options.Layers,
            Hidden = options.Hidden,
            Heads = options.Heads,
            KvHeads = options.KvHeads,
            Ffn = options.Ffn,
            Context = options.Context,
            Steps = options.BaseSteps,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Threads = options.Threads,
        };
        var baseFolder = Path.Combine(work, "base");
        Train(Path.Combine(corpus, "train.txt"), training, baseFolder, "base (both domains)", log, cancellationToken);
        var fineTunes = new List<string>();
        foreach (var domain in Domains)
        {
            var folder = Path.Combine(work, $"ft-{domain}");
            Train(Path.Combine(corpus, $"{domain}.train.txt"), training with { BaseCheckpoint = baseFolder, Steps = options.FineTuneSteps, LearningRate = options.FineTuneLearningRate, Seed = options.Seed + 1 }, folder, $"fine-tune on {domain}", log, cancellationToken);
            fineTunes.Add(folder);
        }

        var models = new List<(string Name, string Kind, string Folder)> { ("base", "base", baseFolder) };
        models.AddRange(Domains.Select((d, i) => ($"ft-{d}", "fine-tune", fineTunes[i])));
        foreach (var method in options.Methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = Path.Combine(work, $"merge-{method}");
            await MergeAsync(work, method, Spec(method, options.AdaMergingSteps), output, options.Seed, cancellationToken);
            log.WriteLine($"merged {method} -> {output}");
            models.Add(($"merge {method}", "merge", output));
        }

        var ensemble = Path.Combine(work, "ensemble");
        EnsembleManifest.Create(ensemble, fineTunes, null, EnsembleRule.MeanProbs).Write();
        models.Add(("ensemble (mean-probs)", "ensemble", ensemble));

        var rows = new JsonArray();
        foreach (var (name, kind, folder) in models)
        {
            var perplexity = new JsonObject();
            var nll = new JsonObject();
            var tokens = new JsonObject();
            double nllSum = 0;
            long tokenSum = 0;
            double seconds = 0;
            long forwardTokens = 0;
            foreach (var domain in Domains)
            {
                var result = new PerplexityEvaluator(Path.Combine(corpus, $"{domain}.validation.txt"), options.Context).Evaluate(folder, cancellationToken);
                perplexity[domain] = result.Perplexity;
                nll[domain] = result.MeanNll;
                tokens[domain] = result.Tokens;
                nllSum += result.MeanNll * result.Tokens;
                tokenSum += result.Tokens;
                var forward = result.Tokens + result.Windows;
                forwardTokens += forward;
                seconds += forward / result.TokensPerSecond;
            }

            perplexity["union"] = Math.Exp(nllSum / tokenSum);
            nll["union"] = nllSum / tokenSum;
            tokens["union"] = tokenSum;
            var row = new JsonObject { ["model"] = name, ["kind"] = kind, ["folder"] = folder, ["perplexity"] = perplexity, ["nll"] = nll, ["tokens"] = tokens, ["tokens_per_second"] = forwardTokens / seconds };
            rows.Add(row);
            log.WriteLine(FormatRow(row));
        }

        var results = new JsonObject
        {
            ["sizes"] = new JsonObject
            {
                ["corpus_bytes_per_domain"] = options.CorpusBytes,
                ["layers"] = options.Layers,
                ["hidden"] = options.Hidden,
                ["heads"] = options.Heads,
                ["kv_heads"] = options.KvHeads,
                ["ffn"] = options.Ffn,
                ["context"] = options.Context,
                ["base_steps"] = options.BaseSteps,
                ["fine_tune_steps"] = options.FineTuneSteps,
                ["batch_size"] = options.BatchSize,
                ["learning_rate"] = options.LearningRate,
                ["fine_tune_learning_rate"] = options.FineTuneLearningRate,
                ["seed"] = options.Seed,
                ["threads"] = options.Threads,
            },
            ["seconds"] = (DateTime.UtcNow - started).TotalSeconds,
            ["rows"] = rows,
        };
        await File.WriteAllTextAsync(Path.Combine(work, ResultsFileName), results.ToJsonString(Indented) + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "results.md"), Markdown(rows), cancellationToken);
        return results;
    }

    /// <summary>The results as a Markdown table: validation perplexity per domain and on both, and evaluation tokens/s.</summary>
    public static string Markdown(JsonArray rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = new StringBuilder("| model | fortunes | python-docs | both | eval tokens/s |\n|---|---:|---:|---:|---:|\n");
        foreach (var row in rows)
        {
            var perplexity = row!["perplexity"]!;
            table.Append(CultureInfo.InvariantCulture, $"| {row["model"]} | {perplexity["fortunes"]!.GetValue<double>():F2} | {perplexity["python-docs"]!.GetValue<double>():F2} | {perplexity["union"]!.GetValue<double>():F2} | {row["tokens_per_second"]!.GetValue<double>():N0} |\n");
        }

        return table.ToString();
    }

    public static string FormatRow(JsonNode row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var perplexity = row["perplexity"]!;
        return string.Create(CultureInfo.InvariantCulture, $"{row["model"]!.GetValue<string>(),-22} {perplexity["fortunes"]!.GetValue<double>(),10:F2} {perplexity["python-docs"]!.GetValue<double>(),12:F2} {perplexity["union"]!.GetValue<double>(),9:F2} {row["tokens_per_second"]!.GetValue<double>(),14:N0}");
    }

    public static string Header => $"{"model",-22} {"fortunes",10} {"python-docs",12} {"both",9} {"eval tokens/s",14}";

    /// <summary>The merge spec of <paramref name="method"/> over the fine-tunes (and the base), folders relative to the work folder.</summary>
    /// <param name="adaMergingSteps">adamerging's Adam steps.</param>
    public static string Spec(string method, int adaMergingSteps)
    {
        const string tunes = "ft-fortunes";
        const string other = "ft-python-docs";
        return method switch
        {
            "linear" => $"merge_method: linear\nmodels:\n  - model: {tunes}\n    parameters:\n      weight: 0.5\n  - model: {other}\n    parameters:\n      weight: 0.5\ndtype: float32\n",
            "task_arithmetic" => $"merge_method: task_arithmetic\nbase_model: base\nmodels:\n  - model: {tunes}\n    parameters:\n      weight: 1.0\n  - model: {other}\n    parameters:\n      weight: 1.0\ndtype: float32\n",
            "ties" or "dare_ties" => $"merge_method: {method}\nbase_model: base\nmodels:\n  - model: {tunes}\n    parameters:\n      weight: 1.0\n      density: 0.5\n  - model: {other}\n    parameters:\n      weight: 1.0\n      density: 0.5\ndtype: float32\n",
            "slerp" => $"merge_method: slerp\nbase_model: {tunes}\nmodels:\n  - model: {tunes}\n  - model: {other}\nparameters:\n  t: 0.5\ndtype: float32\n",
            "model_stock" => $"merge_method: model_stock\nbase_model: base\nmodels:\n  - model: {tunes}\n  - model: {other}\ndtype: float32\n",
            // RegMean's statistics: each fine-tune's Gram matrices on its own domain's training text (default samples: 256 windows);
            // regmean_plus_plus's: the same Gram matrices, each block's after the text went through the merged blocks before it;
            // fisher's statistics: each fine-tune's diagonal Fishers on its own domain's training text (256 windows, each forward and backward).
            "regmean" or "regmean_plus_plus" or "fisher" => $"merge_method: {method}\nmodels:\n  - model: {tunes}\n    dataset: corpus/{TextCorpusBuilder.Fortunes}.train.txt\n  - model: {other}\n    dataset: corpus/{TextCorpusBuilder.PythonDocs}.train.txt\ndtype: float32\n",
            // AdaMerging's λ per fine-tune and group, learned on each fine-tune's training text (paper defaults: from 0.3, Adam lr 1e-3, 100 steps of 16 windows).
            "adamerging" => $"merge_method: adamerging\nbase_model: base\nmodels:\n  - model: {tunes}\n    dataset: corpus/{TextCorpusBuilder.Fortunes}.train.txt\n  - model: {other}\n    dataset: corpus/{TextCorpusBuilder.PythonDocs}.train.txt\nparameters:\n  steps: {adaMergingSteps}\ndtype: float32\n",
            _ => throw new ArgumentException($"unknown method {method}", nameof(method)),
        };
    }

    private static void Train(string text, LanguageTrainingOptions options, string folder, string what, TextWriter log, CancellationToken cancellationToken)
    {
        var summary = LanguageModelTrainer.TrainAndSave(File.ReadAllText(text), options, folder, cancellationToken);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {what}: {summary.Parameters:N0} parameters, {summary.Steps} steps in {summary.Seconds:F1} s, final loss {summary.FinalLoss:F3} -> {folder}"));
    }

    private static async Task MergeAsync(string work, string method, string spec, string output, ulong seed, CancellationToken cancellationToken)
    {
        var specPath = Path.Combine(work, $"{method}.yaml");
        await File.WriteAllTextAsync(specPath, spec, cancellationToken);
        var request = new MergeRequest
        {
            SpecText = spec,
            SpecDirectory = work,
            SpecName = Path.GetFileName(specPath),
            Output = OutputLocation.FromCommandLine(output),
            Seed = seed,
            Overwrite = true,
            Device = MergeDevices.Cpu,
        };
        var status = await EmbeddedMerge.RunAsync(request, new ProgressReporter(quiet: true), 0, cancellationToken);
        if (status.State != JobState.Succeeded)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new LanguageModelException($"merge {method} ({specPath}) failed: {status.Error ?? status.State.ToString()}");
        }
    }
}
