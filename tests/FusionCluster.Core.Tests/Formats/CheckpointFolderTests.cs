using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Formats;

public sealed class CheckpointFolderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Sharded_output_round_trips_through_the_index()
    {
        var tensors = Enumerable.Range(0, 7).Select(i => new TensorDescriptor($"model.layers.{i}.weight", i % 2 == 0 ? DType.BF16 : DType.F32, [4, 8])).ToList();
        var plan = ShardPlanner.Plan(tensors, 200);
        Assert.True(plan.IsSharded);
        foreach (var shard in plan.Shards)
        {
            var layout = SafetensorsLayout.Compute(shard.Tensors);
            using var writer = SafetensorsWriter.Create(temp.File(shard.FileName), layout);
            foreach (var t in shard.Tensors)
            {
                writer.OpenSink(t.Name).Write(0, Values(t));
            }
        }

        File.WriteAllText(temp.File(CheckpointFolder.IndexFileName), ShardPlanner.BuildIndexJson(plan));
        File.WriteAllText(temp.File("config.json"), """{"model_type":"llama","num_hidden_layers":7}""");
        File.WriteAllText(temp.File("tokenizer.json"), "{}");
        File.WriteAllText(temp.File("merges.txt"), "");

        using var folder = CheckpointFolder.Open(temp.Path);
        Assert.Equal(tensors.Select(t => t.Name), folder.TensorNames);
        Assert.Equal(plan.Shards.Count, folder.ShardPaths.Count);
        Assert.Equal(temp.File(CheckpointFolder.IndexFileName), folder.IndexPath);
        Assert.Equal("llama", (string?)folder.Config!["model_type"]);
        Assert.Equal(["tokenizer.json", "merges.txt"], folder.AuxiliaryFiles);
        Assert.Equal(temp.File("merges.txt"), folder.GetAuxiliaryFilePath("merges.txt"));
        Assert.Null(folder.GetAuxiliaryFilePath("vocab.json"));
        Assert.False(folder.Contains("nope"));
        Assert.Throws<KeyNotFoundException>(() => folder.GetEntry("nope"));

        foreach (var t in tensors)
        {
            Assert.Equal(t.DType, folder.GetEntry(t.Name).DType);
            Assert.Equal(temp.File(plan.WeightMap[t.Name]), folder.GetFilePath(t.Name));
            using var source = folder.OpenTensor(t.Name);
            var back = new float[source.ElementCount];
            source.Read(0, back);
            Assert.Equal(Values(t), back);
        }

        var raw = new byte[4];
        folder.ReadRaw("model.layers.1.weight", 4, raw);
        Assert.Equal(BitConverter.GetBytes(Values(tensors[1])[1]), raw);
    }

    [Fact]
    public void Single_file_folder_without_config()
    {
        HandMadeSafetensors.Write(temp.File("model.safetensors"), """{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(1, 2));
        using var folder = CheckpointFolder.Open(temp.Path);
        Assert.Null(folder.Config);
        Assert.Null(folder.IndexPath);
        Assert.Equal(["a", "b"], folder.TensorNames);
        Assert.Empty(folder.AuxiliaryFiles);
    }

    [Fact]
    public void Folder_of_safetensors_without_index_is_accepted()
    {
        HandMadeSafetensors.Write(temp.File("part-2.safetensors"), """{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(2));
        HandMadeSafetensors.Write(temp.File("part-1.safetensors"), """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(1));
        using var folder = CheckpointFolder.Open(temp.Path);
        Assert.Equal(["a", "b"], folder.TensorNames);

        HandMadeSafetensors.Write(temp.File("part-3.safetensors"), """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(3));
        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Contains("part-3.safetensors: tensor 'a': also present in", error.Message);
    }

    [Fact]
    public void Folder_without_weights_is_named_in_the_error()
    {
        File.WriteAllText(temp.File("config.json"), "{}");
        File.WriteAllBytes(temp.File("pytorch_model.bin"), [0]);
        var error = Assert.Throws<CheckpointException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Contains(temp.Path, error.Message);
        Assert.Contains("no safetensors weights", error.Message);
        Assert.Contains("pytorch_model.bin", error.Message);

        var missing = Assert.Throws<CheckpointException>(() => CheckpointFolder.Open(temp.File("absent")));
        Assert.Contains("does not exist", missing.Message);
    }

    [Fact]
    public void Bad_config_is_reported()
    {
        HandMadeSafetensors.Write(temp.File("model.safetensors"), "{}", []);
        File.WriteAllText(temp.File("config.json"), "{not json");
        var error = Assert.Throws<CheckpointException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Contains("config.json: not valid JSON", error.Message);
    }

    [Fact]
    public void Index_pointing_to_a_missing_shard()
    {
        WriteShard("model-00001-of-00002.safetensors", "a");
        WriteIndex(("a", "model-00001-of-00002.safetensors"), ("b", "model-00002-of-00002.safetensors"));
        var error = ExpectIndexError();
        Assert.Contains("'model-00002-of-00002.safetensors', which does not exist", error.Message);
    }

    [Theory]
    [InlineData("../x.safetensors")]
    [InlineData("sub/../../x.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\x.safetensors")]
    public void Index_shard_name_may_not_escape_the_folder(string shard)
    {
        var outside = Path.Combine(Path.GetDirectoryName(temp.Path)!, "x.safetensors");
        WriteIndex(("a", shard));
        var error = ExpectIndexError();
        Assert.Contains("outside the checkpoint folder", error.Message);
        Assert.False(File.Exists(outside) && error.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Index_tensor_missing_from_its_shard()
    {
        WriteShard("s1.safetensors", "a");
        WriteShard("s2.safetensors", "b");
        WriteIndex(("a", "s2.safetensors"), ("b", "s2.safetensors"));
        var error = ExpectIndexError();
        Assert.Equal("a", error.TensorName);
        Assert.Contains("places it in 's2.safetensors', which has no such tensor", error.Message);
    }

    [Fact]
    public void Shard_tensor_missing_from_the_index()
    {
        WriteShard("s1.safetensors", "a", "extra");
        WriteIndex(("a", "s1.safetensors"));
        var error = ExpectIndexError();
        Assert.Equal("extra", error.TensorName);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"metadata":{}}""")]
    [InlineData("""{"weight_map":{"a":3}}""")]
    [InlineData("""{"weight_map":{}}""")]
    public void Malformed_index(string json)
    {
        File.WriteAllText(temp.File(CheckpointFolder.IndexFileName), json);
        ExpectIndexError();
    }

    [Fact]
    public void Corrupt_shard_is_named()
    {
        var shard = temp.File("s1.safetensors");
        File.WriteAllBytes(shard, [1, 2]);
        WriteIndex(("a", "s1.safetensors"));
        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Equal(shard, error.FilePath);
    }

    private static float[] Values(TensorDescriptor t) =>
        Enumerable.Range(0, (int)t.ElementCount).Select(i => (float)(i - 3) / 4 + t.Name.Length).ToArray();

    private void WriteShard(string file, params string[] names)
    {
        var layout = SafetensorsLayout.Compute(names.Select(n => new TensorDescriptor(n, DType.F32, [2])).ToList());
        using var writer = SafetensorsWriter.Create(temp.File(file), layout);
    }

    private void WriteIndex(params (string Tensor, string Shard)[] map) =>
        File.WriteAllText(
            temp.File(CheckpointFolder.IndexFileName),
            "{\"metadata\":{},\"weight_map\":{" + string.Join(",", map.Select(m => $"\"{m.Tensor}\":\"{m.Shard.Replace("\\", "\\\\", StringComparison.Ordinal)}\"")) + "}}");

    private SafetensorsFormatException ExpectIndexError()
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Equal(temp.File(CheckpointFolder.IndexFileName), error.FilePath);
        Assert.StartsWith(temp.File(CheckpointFolder.IndexFileName) + ": ", error.Message);
        return error;
    }
}
