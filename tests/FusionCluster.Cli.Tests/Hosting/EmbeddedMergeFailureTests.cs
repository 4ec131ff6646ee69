using FusionCluster.Cli.Tests.Support;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Tests.Hosting;

[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeFailureTests(SyntheticModels models)
{
    [Fact]
    public async Task A_truncated_input_fails_the_job_and_publishes_nothing()
    {
        using var temp = new TempDirectory();
        var corrupt = temp.Combine("corrupt");
        Directory.CreateDirectory(corrupt);
        foreach (var file in Directory.EnumerateFiles(models.Folder("ft-2")))
        {
            File.Copy(file, Path.Combine(corrupt, Path.GetFileName(file)));
        }

        var weights = Path.Combine(corrupt, "model.safetensors");
        await using (var stream = new FileStream(weights, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 100);
        }

        var output = temp.Combine("out");
        var spec = $"""
            merge_method: linear
            models:
              - model: base
                parameters:
                  weight: 1.0
              - model: ft-1
                parameters:
                  weight: 1.0
              - model: {corrupt}
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """;

        var status = await Merges.RunAsync(spec, models.Root, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.NotNull(status.Error);
        Assert.Contains(weights, status.Error, StringComparison.Ordinal);
        AssertNothingPublished(output);
    }

    [Fact]
    public async Task A_missing_model_fails_the_job_naming_it()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        const string Spec = """
            merge_method: linear
            models:
              - model: base
                parameters:
                  weight: 1.0
              - model: no-such-model
                parameters:
                  weight: 1.0
            """;

        var status = await Merges.RunAsync(Spec, models.Root, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("no-such-model", status.Error, StringComparison.Ordinal);
        AssertNothingPublished(output);
    }

    [Fact]
    public async Task A_spec_error_fails_the_job_naming_the_key()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        const string Spec = """
            merge_method: linear
            models:
              - model: base
                parameters:
                  weight: 1.0
              - model: ft-1
                parameters:
                  wieght: 1.0
            """;

        var status = await Merges.RunAsync(Spec, models.Root, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("wieght", status.Error, StringComparison.Ordinal);
        AssertNothingPublished(output);
    }

    [Fact]
    public async Task An_existing_model_in_the_output_is_not_overwritten_without_being_asked()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        var existing = Path.Combine(output, "model.safetensors");
        await File.WriteAllTextAsync(existing, "keep me", TestContext.Current.CancellationToken);
        const string Spec = """
            merge_method: linear
            models:
              - model: base
                parameters:
                  weight: 1.0
              - model: ft-1
                parameters:
                  weight: 1.0
            """;

        var status = await Merges.RunAsync(Spec, models.Root, output);

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("--overwrite", status.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
        Checkpoints.AssertNoStaging(output);
    }

    private static void AssertNothingPublished(string output)
    {
        if (Directory.Exists(output))
        {
            Assert.Empty(Directory.EnumerateFiles(output, "*.safetensors", SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(output, "config.json")));
            Checkpoints.AssertNoStaging(output);
        }
    }
}
