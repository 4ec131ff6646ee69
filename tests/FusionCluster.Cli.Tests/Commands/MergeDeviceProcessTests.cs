using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion merge --device</c> end to end: the torch backend on the CPU, and cuda on a host without it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeDeviceProcessTests(SyntheticModels models)
{
    [Theory]
    [InlineData("ties")]
    [InlineData("dare_linear")]
    [InlineData("slerp")]
    public async Task Torch_cpu_writes_every_tensor_within_one_bf16_ulp_of_the_cpu_merge(string method)
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, Spec(method), TestContext.Current.CancellationToken);
        var onCpu = temp.Combine("cpu");
        var onTorch = temp.Combine("torch");

        var cpuRun = await FusionProcess.RunAsync("merge", spec, "--out", onCpu, "--device", "cpu", "--seed", "7");
        var torchRun = await FusionProcess.RunAsync("merge", spec, "--out", onTorch, "--device", "torch-cpu", "--seed", "7");

        Assert.True(cpuRun.ExitCode == 0, $"cpu: exit code {cpuRun.ExitCode}; stderr: {cpuRun.Stderr}");
        Assert.True(torchRun.ExitCode == 0, $"torch-cpu: exit code {torchRun.ExitCode}; stderr: {torchRun.Stderr}");
        Assert.Contains(" on torch-cpu -> ", torchRun.Stdout, StringComparison.Ordinal);
        Assert.Contains(" on cpu -> ", cpuRun.Stdout, StringComparison.Ordinal);
        Checkpoints.AssertNoStaging(onTorch);
        using var expected = CheckpointFolder.Open(onCpu);
        using var actual = CheckpointFolder.Open(onTorch);
        using var input = CheckpointFolder.Open(models.Folder("base"));
        Assert.Equal(input.TensorNames.Order(StringComparer.Ordinal), actual.TensorNames.Order(StringComparer.Ordinal));
        long total = 0, identical = 0;
        foreach (var name in expected.TensorNames)
        {
            var (x, y) = (Checkpoints.Bf16Bits(expected, name), Checkpoints.Bf16Bits(actual, name));
            Assert.Equal(x.Length, y.Length);
            for (var i = 0; i < x.Length; i++)
            {
                // The float32 results agree to a few float32 ulps (see the backend tests), so rounding to
                // bfloat16 can differ by at most one bf16 ulp, where a result sits on a rounding boundary.
                if (!(Bf16.UlpDistance(x[i], y[i]) <= 1))
                {
                    Assert.Fail($"{name}[{i}]: cpu {Bf16.ToFloat(x[i])}, torch-cpu {Bf16.ToFloat(y[i])}");
                }

                identical += x[i] == y[i] ? 1 : 0;
                total++;
            }
        }

        Assert.True(identical >= total * 0.999, $"only {identical} of {total} elements are identical");
    }

    [Fact]
    public async Task Cuda_on_a_host_without_it_fails_with_one_line_and_publishes_nothing()
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, Spec("linear"), TestContext.Current.CancellationToken);
        var output = temp.Combine("out");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--device", "cuda", "--quiet");

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("fusion: error: --device cuda: ", line, StringComparison.Ordinal);
        Assert.Contains("libtorch-cuda", line, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    private string Spec(string method) => method switch
    {
        "slerp" => $"""
            merge_method: slerp
            base_model: {models.Folder("base")}
            models:
              - model: {models.Folder("ft-1")}
            parameters:
              t: 0.4
            dtype: bfloat16
            """,
        "linear" => $"""
            merge_method: linear
            models:
              - model: {models.Folder("ft-1")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-2")}
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """,
        _ => $"""
            merge_method: {method}
            base_model: {models.Folder("base")}
            models:
              - model: {models.Folder("ft-1")}
                parameters:
                  weight: 1.0
                  density: 0.5
              - model: {models.Folder("ft-2")}
                parameters:
                  weight: 0.5
                  density: 0.5
            dtype: bfloat16
            """,
    };
}
