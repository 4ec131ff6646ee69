using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>Reading checkpoints from a real Azurite: byte-exact ranged reads and CheckpointFolder's validation.</summary>
public sealed class AzureCheckpointTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly SyntheticModelShape Small = new(Hidden: 64, Intermediate: 160, Layers: 2, Vocab: 300, Heads: 4);

    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_sharded_checkpoint_reads_back_byte_for_byte_with_ranged_reads()
    {
        var folder = temp.Folder("sharded");
        SyntheticCheckpoint.Write(folder, Small, DType.BF16, baseSeed: 3, variant: 1, shardBytes: 60_000, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Combine(folder, CheckpointFolder.IndexFileName)));
        var container = await azurite.NewContainerAsync("roundtrip");
        await Blobs.UploadFolderAsync(container, "llama/ft", folder);

        // Small ranges, so that most tensors take several parallel GETs with a short last one.
        var store = await azurite.StoreAsync(new AzureBlobStoreOptions { ReadRangeBytes = 4096, ReadConcurrency = 3 });
        var location = $"az://{container.Name}/llama/ft";
        Assert.Equal(location, store.Resolve(location + "/", "/unused", mustExist: true));
        using var checkpoint = await store.OpenCheckpointAsync(location, Token);
        await AssertSameAsLocalAsync(folder, checkpoint);
        Assert.True(checkpoint.WeightFiles.Count > 2);
    }

    [Fact]
    public async Task A_single_file_checkpoint_reads_back_byte_for_byte()
    {
        var folder = temp.Folder("single");
        SyntheticCheckpoint.Write(folder, Small, DType.F32, baseSeed: 4, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Combine(folder, CheckpointFolder.SingleFileName)));
        var container = await azurite.NewContainerAsync("single");
        await Blobs.UploadFolderAsync(container, "m", folder);

        var store = await azurite.StoreAsync();
        using var checkpoint = await store.OpenCheckpointAsync($"az://{container.Name}/m", Token);
        await AssertSameAsLocalAsync(folder, checkpoint);
    }

    [Fact]
    public async Task A_checkpoint_at_the_container_root_and_one_without_config_or_index_open()
    {
        var container = await azurite.NewContainerAsync("rootckpt");
        await Blobs.UploadAsync(container, "b.safetensors", HandMadeSafetensors.OneTensor("y", 3, 4));
        await Blobs.UploadAsync(container, "a.safetensors", HandMadeSafetensors.OneTensor("x", 1, 2));
        var store = await azurite.StoreAsync();

        using var checkpoint = await store.OpenCheckpointAsync($"az://{container.Name}", Token);
        Assert.Null(checkpoint.Config);
        Assert.Equal(["x", "y"], checkpoint.TensorNames);
        using var y = await checkpoint.OpenTensorAsync("y", Token);
        var values = new float[2];
        y.Read(0, values);
        Assert.Equal([3f, 4f], values);
    }

    [Fact]
    public async Task A_truncated_blob_is_reported_naming_it()
    {
        var container = await azurite.NewContainerAsync("truncated");
        var whole = HandMadeSafetensors.OneTensor("w", 1, 2, 3, 4);
        await Blobs.UploadAsync(container, "cut/model.safetensors", whole[..^4]);
        await Blobs.UploadAsync(container, "tiny/model.safetensors", whole[..5]);
        await Blobs.UploadAsync(container, "header/model.safetensors", whole[..20]);
        var store = await azurite.StoreAsync();

        var cut = await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/cut", Token));
        Assert.Equal($"az://{container.Name}/cut/model.safetensors: tensor 'w': data_offsets [0, 16] run past the end of the data section (12 bytes; truncated file or bad offsets)", cut.Message);

        var tiny = await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/tiny", Token));
        Assert.Equal($"az://{container.Name}/tiny/model.safetensors: file is 5 bytes, too short for the 8-byte header length (truncated or not a safetensors file)", tiny.Message);

        var header = await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/header", Token));
        Assert.StartsWith($"az://{container.Name}/header/model.safetensors: header length ", header.Message, StringComparison.Ordinal);
        Assert.EndsWith("runs past the end of the 20-byte file (truncated file)", header.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_that_lies_about_its_offsets_is_reported_naming_the_blob_and_tensor()
    {
        var container = await azurite.NewContainerAsync("lying");
        var data = HandMadeSafetensors.Floats(1, 2, 3, 4);
        await Blobs.UploadAsync(container, "size/model.safetensors", HandMadeSafetensors.Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", data));
        await Blobs.UploadAsync(container, "past/model.safetensors", HandMadeSafetensors.Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", data));
        await Blobs.UploadAsync(container, "overlap/model.safetensors", HandMadeSafetensors.Build("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", data));
        await Blobs.UploadAsync(container, "huge/model.safetensors", HandMadeSafetensors.Build("{}", data, declaredLength: 1UL << 40));
        var store = await azurite.StoreAsync();

        async Task<string> ErrorOf(string prefix) =>
            (await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/{prefix}", Token))).Message;

        Assert.Equal($"az://{container.Name}/size/model.safetensors: tensor 'w': data_offsets [0, 16] hold 16 bytes but shape [2] x F32 needs 8", await ErrorOf("size"));
        Assert.Equal($"az://{container.Name}/past/model.safetensors: tensor 'w': data_offsets [8, 24] run past the end of the data section (16 bytes; truncated file or bad offsets)", await ErrorOf("past"));
        Assert.Equal($"az://{container.Name}/overlap/model.safetensors: tensor 'b': data_offsets [8, 16] overlap tensor 'a' at [0, 12]", await ErrorOf("overlap"));
        Assert.Equal($"az://{container.Name}/huge/model.safetensors: header length 1099511627776 exceeds the 100000000-byte limit (corrupt file or not a safetensors file)", await ErrorOf("huge"));
    }

    [Fact]
    public async Task An_index_cannot_name_a_shard_outside_the_prefix()
    {
        var container = await azurite.NewContainerAsync("escape");
        // A real blob where the traversal would land, so only the check stands between the index and it.
        await Blobs.UploadAsync(container, "models/x.safetensors", HandMadeSafetensors.OneTensor("w", 1));
        await Blobs.UploadAsync(container, "models/evil/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map":{"w":"../x.safetensors"}}"""));
        await Blobs.UploadAsync(container, "models/abs/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map":{"w":"/models/x.safetensors"}}"""));
        await Blobs.UploadAsync(container, "models/abs/x.safetensors", HandMadeSafetensors.OneTensor("w", 1));
        var store = await azurite.StoreAsync();

        var evil = await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/models/evil", Token));
        Assert.Equal($"az://{container.Name}/models/evil/model.safetensors.index.json: weight_map names shard '../x.safetensors', which is outside the checkpoint folder", evil.Message);
        var absolute = await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/models/abs", Token));
        Assert.Contains("weight_map names shard '/models/x.safetensors', which is outside the checkpoint folder", absolute.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_and_its_shards_must_agree()
    {
        var container = await azurite.NewContainerAsync("index");
        await Blobs.UploadAsync(container, "missing/model-1.safetensors", HandMadeSafetensors.OneTensor("a", 1));
        await Blobs.UploadAsync(container, "missing/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map":{"a":"model-1.safetensors","b":"model-1.safetensors"}}"""));
        await Blobs.UploadAsync(container, "noshard/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map":{"a":"model-9.safetensors"}}"""));
        await Blobs.UploadAsync(container, "stray/model-1.safetensors", HandMadeSafetensors.Build(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"c":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", HandMadeSafetensors.Floats(1, 2)));
        await Blobs.UploadAsync(container, "stray/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map":{"a":"model-1.safetensors"}}"""));
        await Blobs.UploadAsync(container, "badjson/model.safetensors.index.json", Encoding.UTF8.GetBytes("""{"weight_map": """));
        var store = await azurite.StoreAsync();

        async Task<string> ErrorOf(string prefix) =>
            (await Assert.ThrowsAsync<SafetensorsFormatException>(() => store.OpenCheckpointAsync($"az://{container.Name}/{prefix}", Token))).Message;

        var index = $"az://{container.Name}/{{0}}/model.safetensors.index.json";
        Assert.Equal(string.Format(index, "missing") + ": tensor 'b': weight_map places it in 'model-1.safetensors', which has no such tensor", await ErrorOf("missing"));
        Assert.Equal(string.Format(index, "noshard") + $": weight_map names shard 'model-9.safetensors', which does not exist in az://{container.Name}/noshard", await ErrorOf("noshard"));
        Assert.Equal(string.Format(index, "stray") + ": tensor 'c': shard 'model-1.safetensors' holds this tensor but weight_map does not place it there", await ErrorOf("stray"));
        Assert.StartsWith(string.Format(index, "badjson") + ": index is not valid JSON", await ErrorOf("badjson"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_checkpoints_weights_and_tensors_are_reported()
    {
        var container = await azurite.NewContainerAsync("missing");
        await Blobs.UploadAsync(container, "pickle/pytorch_model.bin", [1, 2, 3]);
        await Blobs.UploadAsync(container, "pickle/config.json", Encoding.UTF8.GetBytes("{}"));
        await Blobs.UploadAsync(container, "ok/model.safetensors", HandMadeSafetensors.OneTensor("w", 1));
        var store = await azurite.StoreAsync();

        var none = await Assert.ThrowsAsync<CheckpointException>(() => store.OpenCheckpointAsync($"az://{container.Name}/nothing", Token));
        Assert.Equal($"az://{container.Name}/nothing: checkpoint does not exist (no blobs under this prefix)", none.Message);
        var pickle = await Assert.ThrowsAsync<CheckpointException>(() => store.OpenCheckpointAsync($"az://{container.Name}/pickle", Token));
        Assert.Equal($"az://{container.Name}/pickle: no safetensors weights (expected model.safetensors or model.safetensors.index.json) (it has pytorch_model.bin; PyTorch pickles are not read, convert them to safetensors)", pickle.Message);
        var noContainer = await Assert.ThrowsAsync<CheckpointException>(() => store.OpenCheckpointAsync("az://no-such-container/x", Token));
        Assert.Contains("container 'no-such-container' does not exist", noContainer.Message, StringComparison.Ordinal);

        var resolve = Assert.Throws<StorageException>(() => store.Resolve($"az://{container.Name}/nothing", "/unused", mustExist: true));
        Assert.Contains("no checkpoint there", resolve.Message, StringComparison.Ordinal);
        Assert.Throws<StorageException>(() => store.Resolve("az://no-such-container/x", "/unused", mustExist: true));

        using var ok = await store.OpenCheckpointAsync($"az://{container.Name}/ok", Token);
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await ok.OpenTensorAsync("nope", Token));
        Assert.Equal($"az://{container.Name}/ok: no tensor 'nope'", unknown.Message);
        var aux = await Assert.ThrowsAsync<CheckpointException>(async () => await ok.ReadAuxiliaryFileAsync("tokenizer.json", Token));
        Assert.Equal($"az://{container.Name}/ok: no file 'tokenizer.json'", aux.Message);
        await Assert.ThrowsAsync<CheckpointException>(async () => await ok.ReadAuxiliaryFileAsync("../pickle/config.json", Token));
    }

    [Fact]
    public async Task A_blob_replaced_after_opening_fails_clearly_instead_of_mixing_versions()
    {
        var container = await azurite.NewContainerAsync("replaced");
        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 1, 2, 3, 4));
        var store = await azurite.StoreAsync();
        using var checkpoint = await store.OpenCheckpointAsync($"az://{container.Name}/m", Token);

        // Same length, different values: only the version check can notice.
        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 5, 6, 7, 8));
        var error = await Assert.ThrowsAsync<SafetensorsFormatException>(async () => await checkpoint.OpenTensorAsync("w", Token));
        Assert.Equal($"az://{container.Name}/m/model.safetensors: tensor 'w': the blob was replaced or deleted after the checkpoint was opened; open it again", error.Message);
    }

    /// <summary>Compares an opened az:// checkpoint with the local folder it was uploaded from, reading the local files directly.</summary>
    private static async Task AssertSameAsLocalAsync(string folder, ICheckpoint checkpoint)
    {
        using var local = CheckpointFolder.Open(folder);
        Assert.Equal(local.TensorNames, checkpoint.TensorNames);
        Assert.Equal(local.AuxiliaryFiles, checkpoint.AuxiliaryFiles);
        Assert.Equal(local.Config!.ToJsonString(), checkpoint.Config!.ToJsonString());

        // Weight file fingerprints: name, size and SHA-256 of the first 8 + N bytes, computed here from the files.
        var expectedFiles = local.ShardPaths.Select(path =>
        {
            var bytes = File.ReadAllBytes(path);
            var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            return new WeightFileInfo(Path.GetFileName(path), bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, headerEnd))));
        });
        Assert.Equal(expectedFiles, checkpoint.WeightFiles);

        var fileBytes = local.ShardPaths.ToDictionary(p => p, File.ReadAllBytes);
        foreach (var name in local.TensorNames)
        {
            var entry = local.GetEntry(name);
            Assert.Equal(entry, checkpoint.GetEntry(name) with { Shape = entry.Shape });
            Assert.Equal(entry.Shape, checkpoint.GetEntry(name).Shape);
            var expected = fileBytes[local.GetFilePath(name)].AsSpan((int)entry.DataOffset, (int)entry.ByteLength).ToArray();
            using var tensor = await checkpoint.OpenTensorAsync(name, Token);
            var raw = new byte[entry.ByteLength];
            tensor.ReadRaw(0, raw);
            Assert.Equal(expected, raw);

            var decoded = new float[entry.ElementCount];
            var decodedLocally = new float[entry.ElementCount];
            tensor.Read(0, decoded);
            DTypeCodec.Decode(entry.DType, expected, decodedLocally);
            Assert.Equal(decodedLocally, decoded);
        }

        foreach (var aux in local.AuxiliaryFiles)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, aux), Token), await checkpoint.ReadAuxiliaryFileAsync(aux, Token));
        }
    }
}
