using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>A folder with three tiny synthetic checkpoints and an hourly sweep over them, evaluated by tensor metrics.</summary>
public sealed class SweepTestModels : IDisposable
{
    public const string HourlySweep = """
        name: hourly
        template:
          merge_method: linear
          models:
            - model: base
              parameters: {weight: 0.5}
            - model: ft-1
              parameters: {weight: 0.5}
        space:
          grid:
            models[1].parameters.weight: [0.25, 0.75]
        schedule: {cron: "0 * * * *", time_zone: UTC, overlap: skip}
        max_concurrent: 2
        evaluator:
          tensors: {compare: [ft-1], base: base}
        objective: {metric: cosine/ft-1, direction: maximize}
        promote: {best: true, keep_runs: 5}
        out: sweep-out
        """;

    public SweepTestModels()
    {
        Folder = Directory.CreateTempSubdirectory("fusion-sweep-grains-").FullName;
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 172, Layers: 2, Vocab: 256, Heads: 4);
        SyntheticCheckpoint.Write(Path.Combine(Folder, "base"), shape, DType.F32, baseSeed: 3, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(Folder, "ft-1"), shape, DType.F32, baseSeed: 3, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
    }

    public string Folder { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
