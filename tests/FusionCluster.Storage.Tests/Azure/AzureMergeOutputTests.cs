using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>
/// The commit protocol of merges written to a real Azurite: staged blocks stay invisible until publish,
/// the published shards are byte-identical to the same merge written locally, retried and reordered units
/// change nothing, and a failed job leaves nothing behind.
/// </summary>
public sealed class AzureMergeOutputTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_merge_to_blobs_is_invisible_until_published_then_byte_identical_to_the_local_merge()
    {
        var (container, store, _) = await SetupAsync("identical");
        using var harness = new MergeHarness(new LocalFolderStore(), store);

        // The reference: models and output in local folders.
        var localPlan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var localOut = Path.Combine(temp.Path, "merged");
        await harness.RunJobAsync(localPlan, localOut, "local-job");

        // The same merge with inputs and output in blob storage.
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        Assert.True(plan.Shards.Count >= 3, "the output should be sharded");
        Assert.Equal(localPlan.Shards.Select(s => (s.FileName, Convert.ToHexString(s.Header), s.FileLength)), plan.Shards.Select(s => (s.FileName, Convert.ToHexString(s.Header), s.FileLength)));
        Assert.All(plan.ModelPaths.Values, path => Assert.StartsWith($"az://{container.Name}/in/", path, StringComparison.Ordinal));

        var output = $"az://{container.Name}/out/merged";
        await harness.Output(output, "blob-job").CheckAsync(overwrite: false, Token);
        await harness.PrepareAsync(plan, output, "blob-job");
        await harness.RunUnitsAsync(plan, plan.Units, output, "blob-job");

        // Every unit is staged, yet nothing is visible: uncommitted blocks do not make blobs.
        Assert.Empty(await Blobs.ListAsync(container, "out/merged"));
        Assert.False((await container.GetBlobClient("out/merged/" + MergeManifest.FileName).ExistsAsync(Token)).Value);
        Assert.Equal(plan.Shards.Select(s => "out/merged/" + s.FileName).Order(StringComparer.Ordinal), await Blobs.ListAsync(container, "out/merged", uncommitted: true));

        await harness.PublishAsync(plan, output, "blob-job");
        await AssertSameFilesAsync(localOut, container, "out/merged");

        // The published result reads back as a checkpoint through the store itself.
        using var merged = await store.OpenCheckpointAsync(output, Token);
        using var localMerged = CheckpointFolder.Open(localOut);
        Assert.Equal(localMerged.TensorNames, merged.TensorNames);
    }

    [Fact]
    public async Task A_passthrough_merge_copies_raw_bytes_into_staged_blocks_identically()
    {
        var (container, store, _) = await SetupAsync("passthrough");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var localPlan = await harness.PlanAsync(TestModels.PassthroughSpec(temp.Path), temp.Path);
        Assert.All(localPlan.Units.SelectMany(u => u.Tensors), t => Assert.Equal(TensorKind.Copy, t.Kind));
        var localOut = Path.Combine(temp.Path, "merged");
        await harness.RunJobAsync(localPlan, localOut, "local-job");

        var plan = await harness.PlanAsync(TestModels.PassthroughSpec($"az://{container.Name}/in"), "/unused");
        await harness.RunJobAsync(plan, $"az://{container.Name}/out", "blob-job");
        await AssertSameFilesAsync(localOut, container, "out");
    }

    [Fact]
    public async Task Units_run_twice_out_of_order_and_on_another_silo_publish_the_same_bytes()
    {
        var (container, store, _) = await SetupAsync("retries");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        Assert.True(plan.Units.Count >= 4);

        await harness.RunJobAsync(plan, $"az://{container.Name}/out/a", "job-a");

        // Reverse order, the first and last units again after everything else, and half the units run by a
        // second "silo" with its own store instance and checkpoint cache.
        var output = $"az://{container.Name}/out/b";
        var otherStore = await azurite.StoreAsync(new AzureBlobStoreOptions { BlockBytes = 4096 });
        using var otherSilo = new MergeHarness(new LocalFolderStore(), otherStore);
        await harness.Output(output, "job-b").CheckAsync(false, Token);
        await harness.PrepareAsync(plan, output, "job-b");
        var reversed = plan.Units.Reverse().ToList();
        for (var i = 0; i < reversed.Count; i++)
        {
            await (i % 2 == 0 ? harness : otherSilo).RunUnitAsync(plan, reversed[i], output, "job-b");
        }

        await otherSilo.RunUnitAsync(plan, plan.Units[0], output, "job-b");
        await harness.RunUnitAsync(plan, plan.Units[^1], output, "job-b");
        await harness.PrepareAsync(plan, output, "job-b");
        await harness.PublishAsync(plan, output, "job-b");

        var a = await Blobs.ListAsync(container, "out/a");
        var b = await Blobs.ListAsync(container, "out/b");
        Assert.Equal(a.Select(n => n["out/a/".Length..]), b.Select(n => n["out/b/".Length..]));
        foreach (var name in a)
        {
            Assert.Equal(await Blobs.DownloadAsync(container, name), await Blobs.DownloadAsync(container, "out/b/" + name["out/a/".Length..]));
        }
    }

    [Fact]
    public async Task Publish_commits_the_shards_then_the_files_then_the_index_and_the_manifest_last()
    {
        var recorder = new RequestRecorder();
        var (container, store, _) = await SetupAsync("order", recorder);
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        var output = $"az://{container.Name}/out";
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units, output, "job");
        var files = await harness.FilesAsync(plan);

        recorder.Clear();
        await harness.Output(output, "job").PublishAsync(plan, files, Token);
        var writes = recorder.Requests.Where(r => r.StartsWith("PUT ", StringComparison.Ordinal)).ToList();

        var prefix = $"PUT {container.Name}/out/";
        var commits = writes.Select((r, i) => (r, i)).Where(x => x.r.EndsWith("?comp=blocklist", StringComparison.Ordinal)).ToList();
        Assert.Equal(plan.Shards.Select(s => prefix + s.FileName + "?comp=blocklist").Order(StringComparer.Ordinal), commits.Select(c => c.r).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(writes, r => r.Contains("comp=block&", StringComparison.Ordinal) || r.EndsWith("?comp=block", StringComparison.Ordinal));
        Assert.DoesNotContain(recorder.Requests, r => r.Contains("[copy]", StringComparison.Ordinal));

        var uploads = writes.Where(r => !r.Contains('?', StringComparison.Ordinal)).ToList();
        Assert.Equal(
            files.Select(f => prefix + f.Name).Append(prefix + CheckpointFolder.IndexFileName).Append(prefix + MergeManifest.FileName),
            uploads);
        Assert.True(commits.Max(c => c.i) < writes.IndexOf(uploads[0]), "every shard is committed before the first small file");
        Assert.Equal(prefix + MergeManifest.FileName, writes[^1]);

        // The manifest lists exactly what was published, with sizes.
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(await Blobs.DownloadAsync(container, "out/" + MergeManifest.FileName))!;
        var listed = manifest["files"]!.AsArray().Select(f => ((string)f!["name"]!, (long)f["bytes"]!)).ToList();
        var published = new List<(string, long)>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "out/" }, Token))
        {
            if (blob.Name != "out/" + MergeManifest.FileName)
            {
                published.Add((blob.Name["out/".Length..], blob.Properties.ContentLength!.Value));
            }
        }

        Assert.Equal(published.Order(), listed.Order());
    }

    [Fact]
    public async Task A_unit_that_never_ran_fails_publish_naming_its_tensor_and_nothing_becomes_visible()
    {
        var (container, store, _) = await SetupAsync("missing");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        var output = $"az://{container.Name}/out";
        var skipped = plan.Units[plan.Units.Count / 2];
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units.Where(u => u != skipped), output, "job");

        var error = await Assert.ThrowsAsync<StorageException>(() => harness.PublishAsync(plan, output, "job"));
        Assert.Contains(skipped.Tensors.Where(t => t.ByteLength > 0), t => error.Message.Contains($"tensor '{t.Name}'", StringComparison.Ordinal));
        Assert.Contains("was never staged", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Blobs.ListAsync(container, "out"));

        // The job can still finish: run the unit, publish again.
        await harness.RunUnitAsync(plan, skipped, output, "job");
        await harness.PublishAsync(plan, output, "job");
        Assert.Contains("out/" + MergeManifest.FileName, await Blobs.ListAsync(container, "out"));
    }

    [Fact]
    public async Task Discard_leaves_no_blob_and_no_uncommitted_block()
    {
        var (container, store, _) = await SetupAsync("discard");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        var output = $"az://{container.Name}/out";
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units.Take(plan.Units.Count / 2), output, "job");
        Assert.NotEmpty(await Blobs.ListAsync(container, "out", uncommitted: true));

        var discarded = harness.Output(output, "job");
        await discarded.DiscardAsync(Token);
        await discarded.DiscardAsync(Token);

        Assert.Empty(await Blobs.ListAsync(container, "out", uncommitted: true));
        await AssertNoBlocksAsync(container, plan, "out");
        // The inputs in the same container are untouched.
        Assert.NotEmpty(await Blobs.ListAsync(container, "in"));
    }

    [Fact]
    public async Task Discard_after_an_interrupted_publish_removes_what_this_job_committed()
    {
        var recorder = new RequestRecorder();
        var (container, store, _) = await SetupAsync("interrupted", recorder);
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        var output = $"az://{container.Name}/out";
        await harness.PrepareAsync(plan, output, "job");
        await harness.RunUnitsAsync(plan, plan.Units, output, "job");

        // The service fails the first small-file upload, after every shard was committed.
        recorder.FailWhen = r => r.StartsWith("PUT ", StringComparison.Ordinal) && !r.Contains('?', StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageException>(() => harness.PublishAsync(plan, output, "job"));
        recorder.FailWhen = null;
        Assert.Equal(plan.Shards.Select(s => "out/" + s.FileName).Order(StringComparer.Ordinal), await Blobs.ListAsync(container, "out"));

        await harness.Output(output, "job").DiscardAsync(Token);
        Assert.Empty(await Blobs.ListAsync(container, "out", uncommitted: true));
        await AssertNoBlocksAsync(container, plan, "out");
    }

    [Fact]
    public async Task An_existing_result_is_refused_and_survives_a_discarded_overwrite()
    {
        var (container, store, _) = await SetupAsync("overwrite");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var spec = TestModels.Spec($"az://{container.Name}/in");
        var output = $"az://{container.Name}/out";
        var first = await harness.PlanAsync(spec, "/unused", shardBytes: 150_000, seed: 1);
        await harness.RunJobAsync(first, output, "first");
        var before = await SnapshotAsync(container, "out");

        var refused = await Assert.ThrowsAsync<StorageException>(() => harness.Output(output, "second").CheckAsync(overwrite: false, Token));
        Assert.Contains($"{output} already holds a model", refused.Message, StringComparison.Ordinal);

        // A different merge (other seed, other shard layout) staged over it, then abandoned.
        var second = await harness.PlanAsync(spec, "/unused", shardBytes: 250_000, seed: 2);
        Assert.NotEqual(first.Shards.Count, second.Shards.Count);
        await harness.Output(output, "second").CheckAsync(overwrite: true, Token);
        await harness.PrepareAsync(second, output, "second");
        await harness.RunUnitsAsync(second, second.Units, output, "second");
        await harness.Output(output, "second").DiscardAsync(Token);
        Assert.Equal(before, await SnapshotAsync(container, "out"));

        // The overwrite done for real replaces every file, stale shards of the first result included.
        await harness.RunJobAsync(second, output, "third", overwrite: true);
        await harness.RunJobAsync(second, $"az://{container.Name}/fresh", "fresh");
        var overwritten = await SnapshotAsync(container, "out");
        var fresh = await SnapshotAsync(container, "fresh");
        Assert.Equal(fresh.Keys, overwritten.Keys);
        Assert.All(fresh, f => Assert.Equal(f.Value, overwritten[f.Key]));
    }

    [Fact]
    public async Task Block_ids_are_deterministic_equal_length_and_carry_the_job()
    {
        var (container, store, _) = await SetupAsync("blockids");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");
        await harness.PrepareAsync(plan, $"az://{container.Name}/x", "job-x");
        await harness.RunUnitsAsync(plan, plan.Units, $"az://{container.Name}/x", "job-x");
        await harness.PrepareAsync(plan, $"az://{container.Name}/y", "job-y");
        await harness.RunUnitsAsync(plan, plan.Units, $"az://{container.Name}/y", "job-y");

        var shard = plan.Shards[0].FileName;
        var x = (await container.GetBlockBlobClient($"x/{shard}").GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: Token)).Value.UncommittedBlocks.ToList();
        var y = (await container.GetBlockBlobClient($"y/{shard}").GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: Token)).Value.UncommittedBlocks.ToList();
        Assert.Single(x.Select(b => b.Name.Length).Distinct());
        var decoded = x.Select(b => System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(b.Name))).ToList();
        Assert.All(decoded, id => Assert.Matches("^fc[0-9a-f]{16}t[0-9]{16}p[0-9]{6}$", id));
        Assert.Contains(decoded, id => id.EndsWith("t0000000000000000p000000", StringComparison.Ordinal));
        // Same plan, other job: same offsets and parts, other job tag, same sizes.
        Assert.Equal(x.Select(b => b.SizeLong).Order(), y.Select(b => b.SizeLong).Order());
        Assert.Empty(x.Select(b => b.Name).Intersect(y.Select(b => b.Name)));
    }

    /// <summary>Three synthetic models written locally under temp and uploaded to a new container under in/.</summary>
    private async Task<(BlobContainerClient Container, AzureBlobStore Store, string LocalModels)> SetupAsync(string purpose, RequestRecorder? recorder = null)
    {
        TestModels.WriteAll(temp.Path);
        var container = await azurite.NewContainerAsync(purpose);
        foreach (var name in TestModels.Names)
        {
            await Blobs.UploadFolderAsync(container, $"in/{name}", Path.Combine(temp.Path, name));
        }

        // Small blocks, so that most tensors are staged as several blocks.
        var store = await azurite.StoreAsync(new AzureBlobStoreOptions { BlockBytes = 4096 }, recorder);
        return (container, store, temp.Path);
    }

    private static async Task AssertSameFilesAsync(string localFolder, BlobContainerClient container, string prefix)
    {
        var local = Directory.EnumerateFiles(localFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var blobs = (await Blobs.ListAsync(container, prefix)).Select(n => n[(prefix.Length + 1)..]).ToList();
        Assert.Equal(local, blobs);
        Assert.Contains(MergeManifest.FileName, blobs);
        Assert.Contains(CheckpointFolder.IndexFileName, blobs);
        foreach (var name in local)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(localFolder, name), Token);
            var actual = await Blobs.DownloadAsync(container, $"{prefix}/{name}");
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} differs between the local and the blob merge");
        }
    }

    private static async Task AssertNoBlocksAsync(BlobContainerClient container, MergePlan plan, string prefix)
    {
        foreach (var shard in plan.Shards)
        {
            var blob = container.GetBlockBlobClient($"{prefix}/{shard.FileName}");
            var error = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: Token));
            Assert.Equal(404, error.Status);
        }
    }

    private static async Task<SortedDictionary<string, string>> SnapshotAsync(BlobContainerClient container, string prefix)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in await Blobs.ListAsync(container, prefix))
        {
            snapshot[name[(prefix.Length + 1)..]] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await Blobs.DownloadAsync(container, name)));
        }

        return snapshot;
    }
}
