using System.Text.Json.Nodes;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>Reads what a connect sweep's point (or fusion connect --publish) published at a folder.</summary>
public static class ConnectResults
{
    /// <summary>The folder's connect.json.</summary>
    public static JsonNode Document(string location) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(location, "connect.json"))) ?? throw new InvalidDataException($"{location}: empty connect.json");

    /// <summary>A connect.png that an image decoder reads as a picture of the size fusion connect draws (1000 × 600).</summary>
    public static void AssertPlot(string location)
    {
        var bytes = File.ReadAllBytes(Path.Combine(location, "connect.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a }, bytes[..8]);
        using var image = SkiaSharp.SKBitmap.Decode(bytes);
        Assert.NotNull(image);
        Assert.Equal((1000, 600), (image.Width, image.Height));
    }
}
