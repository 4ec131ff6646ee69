using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// The evaluation cache key hashes every file of the compared and base folders before the evaluators run: a file
/// there that is not a model file (a link to /dev/zero, a FIFO) fails that evaluation at once with an error naming
/// it, even on a silo without data roots, instead of holding an evaluation slot forever. Each evaluation runs under a
/// 10 s guard so a regression fails rather than hangs.
/// </summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class SweepEvaluatorGrainCacheKeyTests(OneWorkerSilo silo) : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly TempDirectory temp = new("fusion-cache-key-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_compare_folder_holding_a_link_to_dev_zero_fails_the_evaluation_naming_the_file()
    {
        var compare = Folder("ft-1");
        var link = Path.Combine(compare, "zero.bin");
        File.CreateSymbolicLink(link, "/dev/zero");

        var outcome = await EvaluateWithinGuard(new EvaluationRequest
        {
            ModelFolder = Folder("merged"),
            CompareNames = ["ft-1"],
            CompareFolders = [compare],
            CacheFolder = Folder("cache"),
        });

        Assert.NotNull(outcome.Error);
        Assert.Contains($"'{link}'", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("/dev/zero", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_folder_holding_a_fifo_fails_the_evaluation_naming_the_file()
    {
        var baseFolder = Folder("base");
        var fifo = Path.Combine(baseFolder, "model.safetensors");
        Fifo.Create(fifo);

        var outcome = await EvaluateWithinGuard(new EvaluationRequest
        {
            ModelFolder = Folder("merged"),
            BaseFolder = baseFolder,
            CacheFolder = Folder("cache"),
        });

        Assert.NotNull(outcome.Error);
        Assert.Contains($"'{fifo}'", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("not a regular file", outcome.Error, StringComparison.Ordinal);
    }

    private async Task<EvaluationOutcome> EvaluateWithinGuard(EvaluationRequest request)
    {
        var evaluation = silo.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloKey).Evaluate(request);
        Assert.Same(evaluation, await Task.WhenAny(evaluation, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        return await evaluation;
    }

    private string Folder(string name)
    {
        var folder = temp.Combine(name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        return folder;
    }
}
