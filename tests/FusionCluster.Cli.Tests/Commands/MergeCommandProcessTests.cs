using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;
using FusionCluster.Core.Formats;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>Runs the real <c>fusion</c> executable as a child process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeCommandProcessTests(SyntheticModels models)
{
    [Fact]
    public async Task Merge_exits_zero_and_writes_the_model()
    {
        using var temp = new TempDirectory();
        var spec = await WriteLinearSpecAsync(temp);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        // Quiet means quiet: the embedded silo logs errors only, and a merge that succeeds has none.
        Assert.Equal("", stderr);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Checkpoints.AssertNoStaging(output);
        using var merged = CheckpointFolder.Open(output);
        using var input = CheckpointFolder.Open(models.Folder("base"));
        Assert.Equal(input.TensorNames.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bad_spec_exits_non_zero_with_one_error_line_naming_the_key()
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("bad.yaml");
        await File.WriteAllTextAsync(spec, $"""
            merge_method: linear
            modles:
              - model: {models.Folder("base")}
            """, TestContext.Current.CancellationToken);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.NotEqual(0, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("fusion: error: ", line, StringComparison.Ordinal);
        Assert.Contains("modles", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "*.safetensors").Any());
    }

    [Fact]
    public async Task A_missing_spec_file_exits_non_zero()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("nope.yaml");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", missing, "--out", temp.Combine("out"), "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("fusion: error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("nope.yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_with_input_hash_full_reports_the_sha256_of_every_input_file_as_sha256sum_computes_it()
    {
        using var temp = new TempDirectory();
        var spec = await WriteLinearSpecAsync(temp);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet", "--input-hash", "full");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        var report = await ReadReportAsync(output);
        Assert.Equal("full", report["input_hash"]!.GetValue<string>());
        var inputs = report["inputs"]!.AsObject();
        Assert.Equal(3, inputs.Count);
        foreach (var (model, input) in inputs)
        {
            var folder = input!["path"]!.GetValue<string>();
            Assert.Equal(models.Folder(model), folder);
            var files = input["files"]!.AsArray();
            Assert.Equal([CheckpointFolder.SingleFileName], files.Select(f => f!["file"]!.GetValue<string>()));
            foreach (var file in files.Concat(input["other_files"]!.AsArray()))
            {
                var path = Path.Combine(folder, file!["file"]!.GetValue<string>());
                Assert.Equal(await Sha256Sum.OfFileAsync(path, TestContext.Current.CancellationToken), file["sha256"]!.GetValue<string>());
                Assert.Equal(new FileInfo(path).Length, file["bytes"]!.GetValue<long>());
            }

            Assert.Contains(input["other_files"]!.AsArray(), f => f!["file"]!.GetValue<string>() == "config.json");

            // The header fingerprint stays, under its own name, and is not the content hash.
            var weights = files.Single()!;
            Assert.NotEqual(weights["sha256"]!.GetValue<string>(), weights["header_sha256"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Merge_by_default_reports_header_fingerprints_and_claims_no_content_hash()
    {
        using var temp = new TempDirectory();
        var spec = await WriteLinearSpecAsync(temp);
        var output = temp.Combine("out");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        var report = await ReadReportAsync(output);
        Assert.Equal("header", report["input_hash"]!.GetValue<string>());
        foreach (var (_, input) in report["inputs"]!.AsObject())
        {
            Assert.Null(input!["other_files"]);
            foreach (var file in input["files"]!.AsArray())
            {
                Assert.Equal(64, file!["header_sha256"]!.GetValue<string>().Length);
                Assert.Null(file["sha256"]);
            }
        }
    }

    [Fact]
    public async Task An_unknown_input_hash_mode_exits_non_zero_naming_the_choices()
    {
        using var temp = new TempDirectory();
        var spec = await WriteLinearSpecAsync(temp);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", temp.Combine("out"), "--quiet", "--input-hash", "md5");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("md5", stderr, StringComparison.Ordinal);
        Assert.Contains("full", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    private static async Task<JsonObject> ReadReportAsync(string output) =>
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "fusion-report.json"), TestContext.Current.CancellationToken))!.AsObject();

    private async Task<string> WriteLinearSpecAsync(TempDirectory temp)
    {
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, $"""
            merge_method: linear
            models:
              - model: {models.Folder("base")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-1")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-2")}
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """, TestContext.Current.CancellationToken);
        return spec;
    }
}
