using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Tests.Formats;

/// <summary>The JSON a checkpoint brings (safetensors headers, config.json, index) is bounded; errors name the file and the limit.</summary>
public sealed class CheckpointJsonLimitTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_safetensors_header_nested_past_its_limit_names_the_file_and_the_limit()
    {
        var nested = "{\"__metadata__\": {\"x\": " + new string('[', 40) + new string(']', 40) + "}}";
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), nested, []);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path)).Message;

        Assert.StartsWith(path + ": ", error, StringComparison.Ordinal);
        Assert.Contains($"nesting limit {SafetensorsHeader.MaxHeaderDepth}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_nested_past_its_limit_names_the_file_and_the_limit()
    {
        var config = temp.File("config.json");
        File.WriteAllText(config, "{\"a\": " + new string('[', 10_000) + new string(']', 10_000) + "}");

        var error = Assert.Throws<CheckpointException>(() => CheckpointJson.ParseConfig(CheckpointJson.ReadFile(config), config)).Message;

        Assert.StartsWith(config + ": ", error, StringComparison.Ordinal);
        Assert.Contains($"nesting limit {CheckpointJson.MaxDepth}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_nested_past_its_limit_names_the_file_and_the_limit()
    {
        var index = temp.File("model.safetensors.index.json");
        File.WriteAllText(index, "{\"metadata\": " + new string('[', 100) + new string(']', 100) + ", \"weight_map\": {\"w\": \"a.safetensors\"}}");

        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointJson.ParseIndex(CheckpointJson.ReadFile(index), index)).Message;

        Assert.StartsWith(index + ": ", error, StringComparison.Ordinal);
        Assert.Contains($"nesting limit {CheckpointJson.MaxDepth}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_larger_than_the_limit_is_refused_before_it_is_read()
    {
        var config = temp.File("config.json");
        using (var file = File.Create(config))
        {
            file.SetLength(CheckpointJson.MaxFileBytes + 1);
        }

        var error = Assert.Throws<CheckpointException>(() => CheckpointJson.ReadFile(config)).Message;

        Assert.StartsWith(config + ": ", error, StringComparison.Ordinal);
        Assert.Contains($"{CheckpointJson.MaxFileBytes}-byte limit", error, StringComparison.Ordinal);
    }
}
