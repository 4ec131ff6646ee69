using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>A small bf16 base model and two fine-tunes of it, written once for all end-to-end tests.</summary>
public sealed class SyntheticModels : IDisposable
{
    public static readonly SyntheticModelShape Shape = new(Hidden: 64, Intermediate: 128, Layers: 3, Vocab: 256, Heads: 4);

    private readonly TempDirectory root = new("fusion-cli-models-");

    public SyntheticModels()
    {
        SyntheticCheckpoint.Write(Path.Combine(Root, "base"), Shape, DType.BF16, baseSeed: 11, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(Root, "ft-1"), Shape, DType.BF16, baseSeed: 11, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(Root, "ft-2"), Shape, DType.BF16, baseSeed: 11, variant: 2, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Folder holding base/, ft-1/ and ft-2/; specs use it as their directory.</summary>
    public string Root => root.Path;

    public string Folder(string model) => Path.Combine(Root, model);

    public void Dispose() => root.Dispose();
}
