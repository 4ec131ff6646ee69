using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// The multi-task benchmark: trains (or finds in the cache) the pre-trained backbone, each task's head and
/// fine-tune and the jointly trained model, merges the fine-tunes' backbones with every method as merge jobs
/// through <see cref="IMultiTaskMerger"/> (data-aware ones over each fine-tune with its task head as a whole
/// classifier and its task's data: <see cref="MultiTaskJobInputs"/>), and evaluates every task through its own head.
/// Everything lands under <c>out/suite-&lt;hash of the training inputs&gt;/</c>: models/, datasets/, specs/, merged/,
/// results/ (one JSON per row, keyed by the method's spec), so a second run recomputes nothing and a new method
/// runs alone. The jobs' statistics files stay in <c>merged/.fusion-statistics/</c> (the jobs' cache beside their outputs).
/// </summary>
public sealed class MultiTaskBenchmark(string outputFolder, MultiTaskOptions options, IMultiTaskMerger merger, IMergeMethodCatalog catalog, TextWriter log)
{
    public const string PretrainedRow = "pretrained";
    public const string IndividualRow = "individual";
    public const string MultiTaskRowName = "multitask";
    public const string EnsembleRow = "ensemble";

    /// <summary>The methods of the issue, in table order; the data-free ones a build lacks are reported as not available.</summary>
    public static IReadOnlyList<string> DefaultMethods { get; } =
    [
        "linear", "task_arithmetic", "ties", "dare_ties", "breadcrumbs", "della", "model_stock",
        "tsv_m", "iso_c", "iso_cts", "wudi", "emr", "regmean", "fisher", "adamerging",
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private int trainings;
    private int merges;
    private int evaluations;
    private int statisticsComputed;

    public string OutputFolder { get; } = Path.GetFullPath(outputFolder);

    public async Task<MultiTaskReport> RunAsync(ImageDataset mnist, ImageDataset fashion, IReadOnlyList<string> methods, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var tasks = MultiTaskSuite.Build(mnist, fashion, options);
        var suite = Path.Combine(OutputFolder, $"suite-{SuiteKey(tasks)[..16]}");
        var models = Path.Combine(suite, "models");
        log.WriteLine($"suite: {tasks.Count} tasks ({string.Join(", ", tasks.Select(t => t.Name))}), {options.TrainSamples} train / {options.EvalSamples} held-out samples each, backbone 784-{string.Join("-", options.HiddenSizes)}; cache {suite}");

        var referenceRows = new List<MultiTaskRow>();
        var pretrainedFolder = Path.Combine(models, "pretrained");
        var pretrainSeconds = EnsureBackbone(pretrainedFolder, () => MultiTaskTrainer.Pretrain(MultiTaskSuite.PretrainingMixture(mnist, fashion, options), options, cancellationToken));
        using var pretrained = LoadBackbone(pretrainedFolder);
        var heads = new List<NamedTensors>();
        var fineTunes = new List<NamedTensors>();
        var fineTuneFolders = new List<string>();
        var fineTuneSeconds = 0.0;
        try
        {
            for (var t = 0; t < tasks.Count; t++)
            {
                var task = tasks[t];
                var headFile = Path.Combine(models, "heads", $"{task.Name}.safetensors");
                if (!File.Exists(headFile))
                {
                    using var head = MultiTaskTrainer.ProbeHead(pretrained, task, options, options.Seed + 100 + (ulong)t, cancellationToken);
                    head.Save(headFile);
                    trainings++;
                }

                heads.Add(NamedTensors.Load(headFile));
                var folder = Path.Combine(models, $"ft-{task.Name}");
                fineTuneSeconds += EnsureBackbone(folder, () => MultiTaskTrainer.FineTune(pretrained, heads[t], task, options, options.Seed + 200 + (ulong)t, cancellationToken));
                fineTuneFolders.Add(folder);
                fineTunes.Add(LoadBackbone(folder));
            }

            var jointFolder = Path.Combine(models, "multitask");
            var jointSeconds = EnsureBackbone(jointFolder, () => MultiTaskTrainer.TrainJoint(pretrained, heads, tasks, options, options.Seed + 300, cancellationToken));

            referenceRows.Add(CachedRow(suite, PretrainedRow, "reference", "", () => (tasks.Select((task, t) => MultiTaskEvaluator.Accuracy(pretrained, heads[t], task)).ToList(), pretrainSeconds, 0, "the pre-trained backbone with each task's head (a linear probe)")));
            referenceRows.Add(CachedRow(suite, IndividualRow, "reference", "", () => (tasks.Select((task, t) => MultiTaskEvaluator.Accuracy(fineTunes[t], heads[t], task)).ToList(), fineTuneSeconds, 0, "each task's own fine-tune")));
            referenceRows.Add(CachedRow(suite, MultiTaskRowName, "reference", "", () =>
            {
                using var joint = LoadBackbone(jointFolder);
                return (tasks.Select((task, t) => MultiTaskEvaluator.Accuracy(joint, heads[t], task)).ToList(), jointSeconds, 0, "one backbone trained on all tasks at once");
            }));
            referenceRows.Add(CachedRow(suite, EnsembleRow, "ensemble", "", () => (tasks.Select((task, t) => MultiTaskEvaluator.EnsembleAccuracy(fineTunes, heads[t], task)).ToList(), 0, 0, "all fine-tunes, mean softmax through the task's head")));

            var inputs = new MultiTaskMergeInputs(suite, pretrainedFolder, fineTuneFolders, pretrained, fineTunes, heads, tasks);
            var methodRows = new List<MultiTaskRow>();
            foreach (var method in methods)
            {
                cancellationToken.ThrowIfCancellationRequested();
                methodRows.Add(await RunMergeAsync(inputs, method, cancellationToken));
            }

            var report = new MultiTaskReport(tasks.Select(t => t.Name).ToList(), [.. referenceRows, .. methodRows], suite, trainings, merges, evaluations, statisticsComputed, clock.Elapsed.TotalSeconds);
            MultiTaskReportWriter.WriteAll(OutputFolder, report, options);
            return report;
        }
        finally
        {
            heads.ForEach(h => h.Dispose());
            fineTunes.ForEach(f => f.Dispose());
        }
    }

    private async Task<MultiTaskRow> RunMergeAsync(MultiTaskMergeInputs inputs, string name, CancellationToken cancellationToken)
    {
        var specs = Path.Combine(inputs.Suite, "specs");
        var dataAware = MultiTaskMergeSpecs.IsDataAware(name);
        string spec;
        try
        {
            var method = catalog.Resolve(name, MergeDevices.Cpu);
            spec = dataAware
                ? MultiTaskMergeSpecs.CreateDataAware(name, options, Path.GetRelativePath(specs, ClassifierFolder(inputs, PretrainedRow)), inputs.Tasks.Select(t => (Path.GetRelativePath(specs, ClassifierFolder(inputs, t.Name)), Path.GetRelativePath(specs, MultiTaskJobInputs.DatasetPath(inputs.Suite, t.Name)))).ToList())
                : MultiTaskMergeSpecs.Create(method, Path.GetRelativePath(specs, inputs.PretrainedFolder), inputs.FineTuneFolders.Select(f => Path.GetRelativePath(specs, f)).ToList());
        }
        catch (MergeMethodException e)
        {
            log.WriteLine($"{name}: not available ({e.Message})");
            return new MultiTaskRow(name, "unavailable", null, 0, 0, $"not available: {e.Message}");
        }

        var key = $"{spec}\nseed={options.Seed}";
        var cached = TryCached(inputs.Suite, name, key);
        if (cached is not null)
        {
            return cached;
        }

        if (dataAware)
        {
            WriteJobInputs(inputs, withPretrained: name == "adamerging");
        }

        var specPath = Path.Combine(specs, $"{name}.yaml");
        Directory.CreateDirectory(specs);
        await File.WriteAllTextAsync(specPath, spec, cancellationToken);
        var output = Path.Combine(inputs.Suite, "merged", name);
        log.WriteLine($"{name}: merge job ...");
        var clock = Stopwatch.StartNew();
        var run = await merger.MergeAsync(specPath, output, options.Seed, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        merges++;
        var emrTasks = EmrTaskModel.Tasks(output);
        var accuracy = emrTasks.Count == 0 ? Accuracy(output, inputs.Tasks, inputs.Heads) : EmrAccuracy(output, emrTasks, inputs.Tasks, inputs.Heads);
        evaluations++;
        var note = emrTasks.Count > 0 ? "each task with its own mask and rescaler" : MultiTaskMergeSpecs.Describe(name, options);
        if (dataAware)
        {
            var statistics = JobStatisticsSection(output);
            statisticsComputed += statistics?["models"]?.AsObject().Count(m => m.Value?["cached"]?.GetValue<bool>() == false) ?? 0;
            if (statistics?["coefficients"] is JsonObject lambda)
            {
                note = $"learned λ mean {lambda.SelectMany(m => m.Value!.AsObject()).Average(c => c.Value!.GetValue<double>()):F3} (from 0.3), {options.AdaMergingSteps} steps";
            }

            note += $"; statistics phase on {run.StatisticsSilos} silo(s)";
        }

        return Store(inputs.Suite, name, key, new MultiTaskRow(name, dataAware ? "data-aware" : "merge", accuracy, seconds, run.StatisticsSeconds, note) { StatisticsSilos = run.StatisticsSilos });
    }

    /// <summary>The classifiers (and, for AdaMerging's base, the pre-trained one) and the datasets a data-aware job reads.</summary>
    private void WriteJobInputs(MultiTaskMergeInputs inputs, bool withPretrained)
    {
        for (var t = 0; t < inputs.Tasks.Count; t++)
        {
            MultiTaskJobInputs.EnsureClassifier(ClassifierFolder(inputs, inputs.Tasks[t].Name), inputs.FineTunes[t], inputs.Heads[t], options.HiddenSizes);
            MultiTaskJobInputs.EnsureDataset(MultiTaskJobInputs.DatasetPath(inputs.Suite, inputs.Tasks[t].Name), inputs.Tasks[t].Data);
        }

        if (withPretrained)
        {
            // AdaMerging's base needs a last layer like the others; its merge is not evaluated (every task keeps its own head).
            MultiTaskJobInputs.EnsureClassifier(ClassifierFolder(inputs, PretrainedRow), inputs.Pretrained, inputs.Heads[0], options.HiddenSizes);
        }
    }

    private static string ClassifierFolder(MultiTaskMergeInputs inputs, string name) =>
        MultiTaskJobInputs.ClassifierFolder(Path.Combine(inputs.Suite, "models"), name);

    /// <summary>The merge report's <c>statistics</c> section (what the statistics units computed or found cached; AdaMerging's λ).</summary>
    private static JsonObject? JobStatisticsSection(string output)
    {
        var path = Path.Combine(output, MergeArtifacts.ReportFileName);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["statistics"] as JsonObject : null;
    }

    private List<double> Accuracy(string folder, IReadOnlyList<BenchmarkTask> tasks, IReadOnlyList<NamedTensors> heads)
    {
        using var merged = NamedTensors.LoadFolder(folder, MultiTaskNetwork.BackboneNames(options.HiddenSizes.Count));
        return tasks.Select((task, t) => MultiTaskEvaluator.Accuracy(merged, heads[t], task)).ToList();
    }

    /// <summary>emr's point: task t is evaluated on the unified model with task t's mask and rescaler applied (spec order = task order).</summary>
    private List<double> EmrAccuracy(string folder, IReadOnlyList<string> emrTasks, IReadOnlyList<BenchmarkTask> tasks, IReadOnlyList<NamedTensors> heads)
    {
        var accuracy = new List<double>();
        for (var t = 0; t < tasks.Count; t++)
        {
            var taskFolder = Directory.CreateTempSubdirectory("fusion-emr-task-").FullName;
            try
            {
                EmrTaskModel.Write(folder, emrTasks[t], taskFolder);
                accuracy.Add(Accuracy(taskFolder, [tasks[t]], [heads[t]])[0]);
            }
            finally
            {
                Directory.Delete(taskFolder, recursive: true);
            }
        }

        return accuracy;
    }

    /// <summary>A row from results/ when its key matches, else computed (and counted as an evaluation) and stored.</summary>
    private MultiTaskRow CachedRow(string suite, string name, string kind, string key, Func<(List<double> Accuracy, double Seconds, double StatisticsSeconds, string Note)> compute)
    {
        var cached = TryCached(suite, name, key);
        if (cached is not null)
        {
            return cached;
        }

        var (accuracy, seconds, statisticsSeconds, note) = compute();
        evaluations++;
        return Store(suite, name, key, new MultiTaskRow(name, kind, accuracy, seconds, statisticsSeconds, note));
    }

    private static MultiTaskRow? TryCached(string suite, string name, string key)
    {
        var path = ResultPath(suite, name, key);
        if (!File.Exists(path))
        {
            return null;
        }

        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return new MultiTaskRow(
            name,
            json["kind"]!.GetValue<string>(),
            json["accuracy"]!.AsArray().Select(a => a!.GetValue<double>()).ToList(),
            json["seconds"]!.GetValue<double>(),
            json["statistics_seconds"]!.GetValue<double>(),
            json["note"]!.GetValue<string>())
        {
            StatisticsSilos = json["statistics_silos"]?.GetValue<int>() ?? 0,
        };
    }

    private static MultiTaskRow Store(string suite, string name, string key, MultiTaskRow row)
    {
        var path = ResultPath(suite, name, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = new JsonObject
        {
            ["name"] = name,
            ["kind"] = row.Kind,
            ["key"] = key,
            ["accuracy"] = new JsonArray(row.Accuracy!.Select(a => (JsonNode)a).ToArray()),
            ["seconds"] = row.Seconds,
            ["statistics_seconds"] = row.StatisticsSeconds,
            ["statistics_silos"] = row.StatisticsSilos,
            ["note"] = row.Note,
        };
        File.WriteAllText(path + ".partial", json.ToJsonString(Indented) + "\n");
        File.Move(path + ".partial", path, overwrite: true);
        return row;
    }

    private static string ResultPath(string suite, string name, string key) =>
        Path.Combine(suite, "results", $"{name}-{Hash(key)[..12]}.json");

    /// <summary>Trains and saves a backbone checkpoint unless the folder already holds one; returns the training seconds (0 when cached).</summary>
    private double EnsureBackbone(string folder, Func<NamedTensors> train)
    {
        if (File.Exists(Path.Combine(folder, CheckpointFolder.SingleFileName)))
        {
            return 0;
        }

        log.WriteLine($"training {Path.GetFileName(folder)} ...");
        var clock = Stopwatch.StartNew();
        using var backbone = train();
        var seconds = clock.Elapsed.TotalSeconds;
        // config.json first, weights last: a folder with weights is a finished checkpoint.
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), BackboneConfig().ToJsonString(Indented) + "\n");
        backbone.Save(Path.Combine(folder, CheckpointFolder.SingleFileName));
        trainings++;
        return seconds;
    }

    private NamedTensors LoadBackbone(string folder) =>
        NamedTensors.LoadFolder(folder, MultiTaskNetwork.BackboneNames(options.HiddenSizes.Count));

    private JsonObject BackboneConfig() => new()
    {
        ["architectures"] = new JsonArray("FusionMultiTaskBackbone"),
        ["model_type"] = "fusion-multitask-backbone",
        ["input_size"] = 784,
        ["hidden_sizes"] = new JsonArray(options.HiddenSizes.Select(h => (JsonNode)h).ToArray()),
        ["torch_dtype"] = "float32",
    };

    private string SuiteKey(IReadOnlyList<BenchmarkTask> tasks)
    {
        var text = new StringBuilder(options.TrainingKey().ToJsonString());
        foreach (var task in tasks)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{task.Name}:{MergeStatistics.DatasetHash(task.Data, task.Data.Count)}");
        }

        return Hash(text.ToString());
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
