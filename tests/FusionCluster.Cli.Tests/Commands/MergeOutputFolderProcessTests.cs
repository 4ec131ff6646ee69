using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion merge --out` on folders it must not take: a file, a folder of the user's (issue 10, item 6).</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MergeOutputFolderProcessTests(SyntheticModels models)
{
    [Fact]
    public async Task An_out_that_is_a_file_exits_non_zero_saying_so_and_leaves_it()
    {
        using var temp = new TempDirectory();
        var spec = await WriteSpecAsync(temp);
        var file = temp.Combine("merged");
        await File.WriteAllTextAsync(file, "not a folder", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", file, "--quiet");

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"'{file}' is a file, not a folder", line, StringComparison.Ordinal);
        Assert.Equal("not a folder", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_out_below_a_file_is_one_line_naming_the_file()
    {
        using var temp = new TempDirectory();
        var spec = await WriteSpecAsync(temp);
        var file = temp.Combine("afile");
        await File.WriteAllTextAsync(file, "mine", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", Path.Combine(file, "sub"), "--quiet");

        // Before: "Could not find a part of the path '.../afile/sub/.fusion-staging/<job>'", after the whole merge ran.
        Assert.NotEqual(0, exitCode);
        Assert.Equal($"fusion: error: --out '{Path.Combine(file, "sub")}' cannot be made: '{file}' is a file, not a folder", stderr.Trim());
        Assert.Equal("mine", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/sys/fusion-out", "/sys", "permission denied")]
    [InlineData("/proc/fusion/out", "/proc", "its file system refuses new folders")]
    public async Task An_out_where_no_folder_can_be_made_is_one_line_before_the_merge(string output, string folder, string reason)
    {
        // /sys and /proc refuse new folders even to root, who passes every permission check of an ordinary folder.
        Assert.SkipUnless(Directory.Exists(Path.Combine(folder, "self")) || Directory.Exists(Path.Combine(folder, "kernel")), $"{folder} is not mounted here");
        using var temp = new TempDirectory();
        var spec = await WriteSpecAsync(temp);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        // Before: "UnauthorizedAccessException: Access to the path '/sys/fusion-out' is denied." and "Could not find file '/proc/fusion/out'", from the job.
        Assert.NotEqual(0, exitCode);
        Assert.Equal($"fusion: error: --out '{output}' cannot be made: no folder can be created in '{folder}' ({reason})", stderr.Trim());
    }

    [Fact]
    public async Task A_folder_with_a_users_config_is_refused_and_left_as_it_was()
    {
        using var temp = new TempDirectory();
        var spec = await WriteSpecAsync(temp);
        var output = temp.Combine("mine");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "config.json"), "{\"mine\": true}", TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", output, "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("config.json", stderr, StringComparison.Ordinal);
        Assert.Contains("--overwrite", stderr, StringComparison.Ordinal);
        Assert.Equal(["config.json"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("{\"mine\": true}", await File.ReadAllTextAsync(Path.Combine(output, "config.json"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_input_models_folder_is_refused_as_out_even_with_overwrite_and_kept_byte_for_byte()
    {
        using var temp = new TempDirectory();
        // The user's own copy of the base model, merged with ft-1 and named as the output too.
        var mine = temp.Combine("my-base");
        Directory.CreateDirectory(mine);
        foreach (var file in Directory.EnumerateFiles(models.Folder("base")))
        {
            File.Copy(file, Path.Combine(mine, Path.GetFileName(file)));
        }

        var before = Directory.EnumerateFiles(mine).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var spec = await WriteSpecAsync(temp, firstModel: mine);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", mine, "--overwrite", "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"is where input model '{mine}' is read from", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFiles(mine).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        Assert.Equal(before.Count, Directory.EnumerateFileSystemEntries(mine).Count());
    }

    [Fact]
    public async Task An_input_whose_files_link_into_out_is_refused_even_with_overwrite_and_the_files_are_kept()
    {
        using var temp = new TempDirectory();
        // A Hugging Face cache's layout: the snapshot's files are links to files kept elsewhere. The old guard compared
        // folders only, so --out on the linked-to folder with --overwrite replaced the input's weights.
        var store = temp.Combine("store");
        var snapshot = temp.Combine("snapshot");
        Directory.CreateDirectory(store);
        Directory.CreateDirectory(snapshot);
        foreach (var file in Directory.EnumerateFiles(models.Folder("base")))
        {
            var name = Path.GetFileName(file);
            File.Copy(file, Path.Combine(store, name));
            File.CreateSymbolicLink(Path.Combine(snapshot, name), Path.Combine("..", "store", name));
        }

        var before = Directory.EnumerateFiles(store).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var spec = await WriteSpecAsync(temp, firstModel: snapshot);

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("merge", spec, "--out", store, "--overwrite", "--quiet");

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"the file input model '{snapshot}' reads through its link", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFiles(store).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        Assert.Equal(before.Count, Directory.EnumerateFileSystemEntries(store).Count());
    }

    /// <param name="firstModel">The first model's folder; the shared base model when not given.</param>
    private async Task<string> WriteSpecAsync(TempDirectory temp, string? firstModel = null)
    {
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, $"""
            merge_method: linear
            models:
              - model: {firstModel ?? models.Folder("base")}
                parameters:
                  weight: 1.0
              - model: {models.Folder("ft-1")}
                parameters:
                  weight: 1.0
            dtype: bfloat16
            """, TestContext.Current.CancellationToken);
        return spec;
    }
}
