namespace FusionCluster.Grains.Abstractions;

/// <summary>How fusion-report.json identifies each input file.</summary>
public enum InputHashMode
{
    /// <summary>Size and the SHA-256 of the safetensors header only: cheap, but not a content hash.</summary>
    Header,

    /// <summary>Also the SHA-256 of every input file's entire content, read before the result is published.</summary>
    Full,
}
