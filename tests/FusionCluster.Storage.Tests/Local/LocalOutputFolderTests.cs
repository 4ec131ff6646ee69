using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>
/// What a merge may do to its output folder (issue 10, item 6): only an empty folder or a previous
/// output is taken without --overwrite; --overwrite removes the previous output's files and nothing of
/// the user's; a failed run leaves no folder behind; a killed run's staging is cleared by the next one.
/// </summary>
public sealed class LocalOutputFolderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public LocalOutputFolderTests() => TestModels.WriteAll(temp.Path);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_folder_holding_a_users_config_is_refused_without_overwrite()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var output = temp.Folder("mine");
        File.WriteAllText(Path.Combine(output, "config.json"), "{\"mine\": true}");

        var error = await Assert.ThrowsAsync<StorageException>(() => harness.Output(output, "job").CheckAsync(overwrite: false, Token));

        Assert.Contains(output, error.Message, StringComparison.Ordinal);
        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
        Assert.Equal("{\"mine\": true}", File.ReadAllText(Path.Combine(output, "config.json")));
    }

    [Fact]
    public async Task Overwrite_removes_the_previous_manifests_files_and_nothing_else()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");

        // A previous output with tokenizer files and a pickle this merge does not write, plus a user's
        // notes and a link to a file outside that were put there later.
        string[] previous = ["tokenizer.json", "added_tokens.json", "pytorch_model.bin", "model.safetensors"];
        foreach (var name in previous)
        {
            File.WriteAllText(Path.Combine(output, name), name);
        }

        File.WriteAllBytes(Path.Combine(output, MergeManifest.FileName), MergeManifest.Build(previous.Select(n => (n, (long)n.Length))));
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        var target = temp.File("elsewhere.txt");
        File.WriteAllText(target, "keep me");
        File.CreateSymbolicLink(Path.Combine(output, "link.txt"), target);

        await harness.RunJobAsync(plan, output, "second", overwrite: true);

        foreach (var name in previous)
        {
            Assert.False(File.Exists(Path.Combine(output, name)), $"{name} of the previous output is still there");
        }

        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.True(LocalPath.IsLink(Path.Combine(output, "link.txt")));
        Assert.Equal("keep me", File.ReadAllText(target));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, MergeManifest.FileName)));
        var listed = manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains(CheckpointFolder.IndexFileName, listed);
        Assert.DoesNotContain("notes.txt", listed);
        Assert.DoesNotContain("link.txt", listed);
        Assert.DoesNotContain("tokenizer.json", listed);
        using var merged = CheckpointFolder.Open(output);
        Assert.Equal(plan.TensorCount, merged.TensorNames.Count);
    }

    [Fact]
    public async Task An_out_that_names_a_file_says_so()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var file = temp.File("merged.safetensors");
        File.WriteAllText(file, "not a folder");

        var error = await Assert.ThrowsAsync<StorageException>(() => harness.Output(file, "job").CheckAsync(overwrite: true, Token));

        Assert.Contains($"'{file}' is a file, not a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_leaves_no_output_folder_it_created_and_keeps_one_that_was_there()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var created = Path.Combine(temp.Path, "new", "merged");
        await harness.Output(created, "job").CheckAsync(overwrite: false, Token);
        await harness.PrepareAsync(plan, created, "job");
        await harness.RunUnitsAsync(plan, plan.Units.Take(1), created, "job");

        await harness.Output(created, "job").DiscardAsync(Token);

        Assert.False(Directory.Exists(created));

        var existing = temp.Folder("existing");
        await harness.PrepareAsync(plan, existing, "job");
        await harness.Output(existing, "job").DiscardAsync(Token);
        Assert.True(Directory.Exists(existing));
        Assert.Empty(Directory.EnumerateFileSystemEntries(existing));
    }

    [Fact]
    public async Task Staging_left_by_a_killed_run_is_removed_by_the_next_run()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = Path.Combine(temp.Path, "merged");

        // A run that created the folder, staged and was killed: nothing cleaned up after it.
        await harness.PrepareAsync(plan, output, "killed");
        await harness.RunUnitsAsync(plan, plan.Units.Take(2), output, "killed");
        Assert.True(Directory.Exists(Path.Combine(output, LocalMergeOutput.StagingFolder, "killed")));

        await harness.RunJobAsync(plan, output, "next");

        Assert.False(Directory.Exists(Path.Combine(output, LocalMergeOutput.StagingFolder)));
        using var merged = CheckpointFolder.Open(output);
        Assert.Equal(plan.TensorCount, merged.TensorNames.Count);
    }

    [Fact]
    public async Task A_staging_folder_that_is_a_link_is_never_written_through()
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = temp.Folder("merged");
        var elsewhere = temp.Folder("elsewhere");
        Directory.CreateSymbolicLink(Path.Combine(output, LocalMergeOutput.StagingFolder), elsewhere);

        await harness.RunJobAsync(plan, output, "job");

        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.False(Path.Exists(Path.Combine(output, LocalMergeOutput.StagingFolder)));
    }
}
