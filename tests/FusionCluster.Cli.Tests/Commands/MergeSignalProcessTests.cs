using System.Diagnostics;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// Sends real SIGINT and SIGTERM to a real <c>fusion merge</c> child process in the middle of its merge: the
/// README promises that it stops within seconds, publishes nothing, leaves no staging, and exits 130 (143).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeSignalProcessTests
{
    // About 60 MB per float32 model and one unit at a time: the merge takes seconds on two cores, so the signal lands mid-merge.
    private static readonly SyntheticModelShape Shape = new(Hidden: 512, Intermediate: 1376, Layers: 6, Vocab: 4096, Heads: 8);

    [Theory]
    [InlineData(UnixSignal.Interrupt, 130)]
    [InlineData(UnixSignal.Terminate, 143)]
    public async Task A_signal_mid_merge_stops_it_publishes_nothing_and_removes_its_staging(int signal, int expectedExitCode)
    {
        using var temp = new TempDirectory();
        var spec = WriteModelsAndSpec(temp);
        var output = temp.Combine("out");

        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "merge", spec, "--out", output, "--parallel", "1", "--quiet");
        await WaitForStagingAsync(fusion, output);
        var signalled = Stopwatch.StartNew();
        Assert.True(fusion.Signal(signal), "fusion merge ended before the signal was sent; the test's models are too small for this machine");

        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == expectedExitCode, $"exit code {exitCode}, expected {expectedExitCode}; output:\n{fusion.Tail()}");
        Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(15), $"fusion took {signalled.Elapsed.TotalSeconds:F1} s to stop after the signal");
        // The run created the output folder, so a cancelled run removes it; whatever is left holds nothing.
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any(), $"{output} is not empty after the cancelled merge");
        Checkpoints.AssertNoStaging(output);
    }

    [Fact]
    public async Task An_interrupt_mid_shared_input_merge_leaves_no_out_dir_it_created()
    {
        using var temp = new TempDirectory();
        var spec = WriteModelsAndSpec(temp);
        var other = temp.Combine("other.yaml");
        File.WriteAllText(other, File.ReadAllText(spec).Replace("density: 0.5", "density: 0.7", StringComparison.Ordinal));
        var outDir = temp.Combine("outs");

        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "merge", spec, other, "--out-dir", outDir, "--parallel", "1", "--quiet");
        await WaitForStagingAsync(fusion, Path.Combine(outDir, "spec"));
        Assert.True(fusion.Signal(UnixSignal.Interrupt), "fusion merge ended before the signal was sent");
        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{fusion.Tail()}");
        Assert.False(Directory.Exists(outDir), $"{outDir} is left after the cancelled merges: {string.Join(", ", Directory.Exists(outDir) ? Directory.EnumerateFileSystemEntries(outDir) : [])}");
    }

    [Fact]
    public async Task A_signal_mid_merge_with_overwrite_leaves_the_model_already_in_the_output_untouched()
    {
        using var temp = new TempDirectory();
        var spec = WriteModelsAndSpec(temp);
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        foreach (var file in Directory.EnumerateFiles(temp.Combine("base")))
        {
            File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
        }

        var before = Directory.EnumerateFiles(output).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        await using var fusion = FusionProcess.Start(temp.Combine("fusion.log"), "merge", spec, "--out", output, "--overwrite", "--parallel", "1", "--quiet");
        await WaitForStagingAsync(fusion, output);
        Assert.True(fusion.Signal(UnixSignal.Interrupt), "fusion merge ended before the signal was sent");
        var exitCode = await fusion.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{fusion.Tail()}");
        Checkpoints.AssertNoStaging(output);
        var after = Directory.EnumerateFiles(output).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed although the merge was cancelled");
        }
    }

    [Fact]
    public async Task Staging_a_killed_merge_left_is_removed_by_the_next_fusion_process_whatever_its_output()
    {
        using var temp = new TempDirectory();
        var spec = WriteModelsAndSpec(temp);
        var killedOutput = temp.Combine("killed-out");
        // The journal of embedded silos goes under $XDG_STATE_HOME: the test's own, not the user's.
        var environment = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = temp.Combine("state") };

        await using (var killed = FusionProcess.Start(temp.Combine("killed.log"), environment, "merge", spec, "--out", killedOutput, "--parallel", "1", "--quiet"))
        {
            await WaitForStagingAsync(killed, killedOutput);
            killed.Kill();
            await killed.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        Assert.True(Directory.Exists(Path.Combine(killedOutput, ".fusion-staging")), "SIGKILL left no staging; the test proves nothing");

        // Another merge, into another folder: its start removes the killed one's staging and the folder it made.
        await using var next = FusionProcess.Start(temp.Combine("next.log"), environment, "merge", spec, "--out", temp.Combine("next-out"), "--quiet");
        var exitCode = await next.WaitForExitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, $"the next merge failed:\n{next.Tail()}");
        Assert.False(Directory.Exists(killedOutput), $"{killedOutput} is still there after the next fusion process started");
    }

    private static string WriteModelsAndSpec(TempDirectory temp)
    {
        SyntheticCheckpoint.Write(temp.Combine("base"), Shape, DType.F32, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-1"), Shape, DType.F32, baseSeed: 5, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(temp.Combine("ft-2"), Shape, DType.F32, baseSeed: 5, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
        var spec = temp.Combine("spec.yaml");
        File.WriteAllText(spec, """
            merge_method: ties
            base_model: base
            models:
              - model: ft-1
                parameters: {weight: 1.0, density: 0.5}
              - model: ft-2
                parameters: {weight: 1.0, density: 0.5}
            """);
        return spec;
    }

    /// <summary>Staging exists once the job has planned: from then on units are running.</summary>
    private static async Task WaitForStagingAsync(ChildProcess fusion, string output)
    {
        var waited = Stopwatch.StartNew();
        while (!Directory.Exists(Path.Combine(output, ".fusion-staging")))
        {
            if (fusion.HasExited)
            {
                Assert.Fail($"fusion merge exited ({fusion.ExitCode}) before it staged anything:\n{fusion.Tail()}");
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "fusion merge staged nothing within 60 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        // Into the units, past planning.
        await Task.Delay(300, TestContext.Current.CancellationToken);
    }
}
