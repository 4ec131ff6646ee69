using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// The small multi-task benchmark on real MNIST and Fashion-MNIST, every merge a job on a real embedded silo (the
/// data-aware ones with their statistics phase): the one proof of `fusion benchmark multitask` (about 30 s on the
/// 2-core machine, then a cached rerun).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchmarkCommandTests
{
    private static readonly string[] Methods = ["linear", "task_arithmetic", "emr", "regmean", "fisher", "adamerging", "no_such_method"];

    [Fact]
    public async Task Small_multitask_benchmark_beats_pretrained_matches_an_independent_average_and_reruns_from_cache()
    {
        using var temp = new TempDirectory();
        var options = MultiTaskOptions.Small;
        var cancel = TestContext.Current.CancellationToken;

        var first = await BenchmarkCommand.RunAsync(temp.Path, options, Methods, LocalTools.MnistPackageDirectory, IdxDatasetConverter.DebianFashionMnistFolder, TextWriter.Null, cancel);

        Assert.Equal(MultiTaskSuite.TaskNames, first.Tasks);
        // Every fine-tune beats the pre-trained backbone (with the same head) on its own task.
        var pretrained = first.Row(MultiTaskBenchmark.PretrainedRow).Accuracy!;
        for (var t = 0; t < first.Tasks.Count; t++)
        {
            Assert.True(first.Individual[t] > pretrained[t], $"{first.Tasks[t]}: fine-tune {first.Individual[t]} does not beat pre-trained {pretrained[t]}");
        }

        // The simple average's row, recomputed here from the fine-tunes' files with a separate forward pass.
        var (mnist, fashion) = BenchmarkCommand.LoadSources(LocalTools.MnistPackageDirectory, IdxDatasetConverter.DebianFashionMnistFolder, options);
        var tasks = MultiTaskSuite.Build(mnist, fashion, options);
        var linear = first.Row("linear").Accuracy!;
        for (var t = 0; t < tasks.Count; t++)
        {
            var expected = IndependentAverageAccuracy(first.SuiteFolder, tasks, tasks[t]);
            Assert.True(Math.Abs(expected - linear[t]) <= 1.0 / options.EvalSamples, $"{tasks[t].Name}: table says {linear[t]}, the independent evaluation {expected}");
        }

        var missing = first.Row("no_such_method");
        Assert.Equal("unavailable", missing.Kind);
        Assert.Null(missing.Accuracy);
        Assert.Contains("not available", missing.Note, StringComparison.Ordinal);
        // emr evaluates each task on its own model (the unified one with that task's mask and rescaler).
        Assert.Equal("each task with its own mask and rescaler", first.Row("emr").Note);
        Assert.All(["emr", "regmean", "fisher", "adamerging"], m => Assert.Equal(first.Tasks.Count, first.Row(m).Accuracy!.Count));
        // regmean's and fisher's statistics units computed one file per model (none was cached yet); adamerging's coefficients unit none.
        Assert.Equal(2 * tasks.Count, first.StatisticsComputed);
        foreach (var method in new[] { "regmean", "fisher", "adamerging" })
        {
            var row = first.Row(method);
            Assert.Equal("data-aware", row.Kind);
            // The statistics phase of a merge job on the one embedded silo, timed from the job's units.
            Assert.Equal(1, row.StatisticsSilos);
            Assert.True(row.StatisticsSeconds > 0 && row.StatisticsSeconds <= row.Seconds, $"{method}: statistics phase {row.StatisticsSeconds} s of a {row.Seconds} s job");
            Assert.True(File.Exists(Path.Combine(first.SuiteFolder, "merged", method, MergeArtifacts.ReportFileName)), $"{method}: no merge job output");
        }

        // The job's regmean backbone is the in-process RegMean's (the jobs' reference implementation) on the same fine-tunes and data.
        using (var inProcess = InProcessRegMean(first.SuiteFolder, tasks, options))
        using (var job = NamedTensors.LoadFolder(Path.Combine(first.SuiteFolder, "merged", "regmean"), inProcess.Names))
        {
            foreach (var name in inProcess.Names)
            {
                Assert.Equal(Floats(inProcess[name]), Floats(job[name]));
            }
        }


        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(temp.Path, MultiTaskReportWriter.ChartFileName))[..4]);
        Assert.Contains("| linear |", File.ReadAllText(Path.Combine(temp.Path, MultiTaskReportWriter.TableFileName)), StringComparison.Ordinal);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, MultiTaskReportWriter.JsonFileName)))!;
        Assert.Equal(first.Rows.Count, json["rows"]!.AsArray().Count);

        // Everything is cached: the second run trains, merges, evaluates and computes nothing, and agrees.
        var second = await BenchmarkCommand.RunAsync(temp.Path, options, Methods, LocalTools.MnistPackageDirectory, IdxDatasetConverter.DebianFashionMnistFolder, TextWriter.Null, cancel);
        Assert.Equal((0, 0, 0, 0), (second.Trainings, second.Merges, second.Evaluations, second.StatisticsComputed));
        Assert.Equal(first.Rows.Select(r => (r.Name, r.Accuracy is null ? "" : string.Join(",", r.Accuracy))), second.Rows.Select(r => (r.Name, r.Accuracy is null ? "" : string.Join(",", r.Accuracy))));
    }

    /// <summary>RegMean in-process (<see cref="RegMeanMethod"/>: its own statistics step, α = 0.9) on the suite's fine-tunes, heads and task data.</summary>
    private static NamedTensors InProcessRegMean(string suite, IReadOnlyList<BenchmarkTask> tasks, MultiTaskOptions options)
    {
        var names = MultiTaskNetwork.BackboneNames(options.HiddenSizes.Count);
        using var statisticsFolder = new TempDirectory();
        var models = tasks.Select(t => new DataAwareModel(
            t.Name,
            NamedTensors.LoadFolder(Path.Combine(suite, "models", $"ft-{t.Name}"), names),
            NamedTensors.Load(Path.Combine(suite, "models", "heads", $"{t.Name}.safetensors")),
            t.Data,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(t.Name))))).ToList();
        try
        {
            using var pretrained = NamedTensors.LoadFolder(Path.Combine(suite, "models", "pretrained"), names);
            return new RegMeanMethod(0.9).Merge(new DataAwareMergeInputs(pretrained, models, new MergeStatistics(statisticsFolder.Path, options.StatisticsSamples)));
        }
        finally
        {
            models.ForEach(m =>
            {
                m.Backbone.Dispose();
                m.Head.Dispose();
            });
        }
    }

    private static float[] Floats(TorchSharp.torch.Tensor value)
    {
        using var contiguous = value.detach().contiguous();
        return contiguous.data<float>().ToArray();
    }

    /// <summary>Accuracy of the mean of the fine-tunes' backbones on <paramref name="task"/>, in plain double arithmetic.</summary>
    private static double IndependentAverageAccuracy(string suite, IReadOnlyList<BenchmarkTask> tasks, BenchmarkTask task)
    {
        var fineTunes = tasks.Select(t => ReadAll(Path.Combine(suite, "models", $"ft-{t.Name}", "model.safetensors"))).ToList();
        var average = fineTunes[0].Keys.ToDictionary(k => k, k => Enumerable.Range(0, fineTunes[0][k].Values.Length).Select(i => fineTunes.Average(f => (double)f[k].Values[i])).ToArray());
        var shapes = fineTunes[0].ToDictionary(p => p.Key, p => p.Value.Shape);
        var head = ReadAll(Path.Combine(suite, "models", "heads", $"{task.Name}.safetensors"));
        var layers = average.Keys.Count(k => k.EndsWith(".weight", StringComparison.Ordinal));
        var indices = task.Data.Indices(DatasetSplit.HeldOut);
        var correct = 0;
        foreach (var index in indices)
        {
            var x = task.Data.Image(index).ToArray().Select(p => p / 255.0).ToArray();
            for (var l = 0; l < layers; l++)
            {
                x = Linear(average[$"layers.{l}.weight"], shapes[$"layers.{l}.weight"], average[$"layers.{l}.bias"], x).Select(v => Math.Max(0, v)).ToArray();
            }

            var logits = Linear(head["head.weight"].Values.Select(v => (double)v).ToArray(), head["head.weight"].Shape, head["head.bias"].Values.Select(v => (double)v).ToArray(), x);
            var predicted = Array.IndexOf(logits, logits.Max());
            correct += predicted == task.Data.Label(index) ? 1 : 0;
        }

        return (double)correct / indices.Length;
    }

    private static double[] Linear(double[] weight, long[] shape, double[] bias, double[] x)
    {
        var output = new double[shape[0]];
        for (var o = 0; o < shape[0]; o++)
        {
            var sum = bias[o];
            for (var i = 0; i < shape[1]; i++)
            {
                sum += weight[(o * shape[1]) + i] * x[i];
            }

            output[o] = sum;
        }

        return output;
    }

    private static Dictionary<string, (long[] Shape, float[] Values)> ReadAll(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Tensors.ToDictionary(t => t.Name, t =>
        {
            var values = new float[t.ElementCount];
            using var source = file.OpenTensor(t.Name);
            source.Read(0, values);
            return (t.Shape, values);
        });
    }
}
