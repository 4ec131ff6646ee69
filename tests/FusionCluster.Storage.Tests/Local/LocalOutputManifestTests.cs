using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>
/// A merge's --overwrite reads the previous manifest by the same rule as small results: a FIFO in its place is not
/// read (it would block the publish for ever) and a link in its place is neither read nor written through; both
/// are replaced by the new, regular manifest and what they point at stays byte for byte. A folder where a new file must
/// go fails the publish before the previous output is touched.
/// </summary>
public sealed class LocalOutputManifestTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly TempFolder temp = new();

    public LocalOutputManifestTests() => TestModels.WriteAll(temp.Path);

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_fifo_in_place_of_the_manifest_is_replaced_not_read()
    {
        var output = temp.Folder("merged");
        Fifo.Create(Path.Combine(output, MergeManifest.FileName));

        await MergeWithinGuard(output);

        Assert.True(LocalFile.IsRegularFile(Path.Combine(output, MergeManifest.FileName)));
    }

    [Fact]
    public async Task A_link_in_place_of_the_manifest_is_replaced_and_its_target_left_byte_for_byte()
    {
        var output = temp.Folder("merged");
        var target = temp.File("someone-elses.json");
        byte[] bytes = [.. "{\"not\": \"ours\"}"u8];
        File.WriteAllBytes(target, bytes);
        File.CreateSymbolicLink(Path.Combine(output, MergeManifest.FileName), target);

        await MergeWithinGuard(output);

        Assert.Equal(bytes, File.ReadAllBytes(target));
        Assert.True(LocalFile.IsRegularFile(Path.Combine(output, MergeManifest.FileName)));
    }

    [Fact]
    public async Task A_folder_where_a_published_file_goes_fails_the_publish_and_leaves_the_previous_output_whole()
    {
        var output = temp.Folder("merged");
        await MergeWithinGuard(output);
        var manifest = File.ReadAllBytes(Path.Combine(output, MergeManifest.FileName));
        var listed = MergeManifest.Read(manifest, "previous").Select(f => f.Name).ToList();
        Assert.True(listed.Count >= 2, "the test needs a previous output of several files");
        // The first name the publish moves (the entry point moves last) becomes someone's folder.
        var obstacle = Path.Combine(output, listed[0]);
        File.Delete(obstacle);
        Directory.CreateDirectory(obstacle);
        var kept = listed.Skip(1).ToDictionary(name => name, name => File.ReadAllBytes(Path.Combine(output, name)));

        var error = await Assert.ThrowsAsync<StorageException>(() => MergeWithinGuard(output));

        Assert.Contains($"'{obstacle}' is a folder where this output publishes its file '{listed[0]}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(output, MergeManifest.FileName)));
        Assert.All(kept, file => Assert.Equal(file.Value, File.ReadAllBytes(Path.Combine(output, file.Key))));
    }

    private async Task MergeWithinGuard(string output)
    {
        using var harness = new MergeHarness(new LocalFolderStore());
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var merge = Task.Run(() => harness.RunJobAsync(plan, output, "job", overwrite: true), TestContext.Current.CancellationToken);
        Assert.Same(merge, await Task.WhenAny(merge, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        await merge;
    }
}
