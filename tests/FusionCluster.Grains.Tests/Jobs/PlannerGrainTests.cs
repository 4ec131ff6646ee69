using System.Buffers.Binary;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>A plan preview reports the merge a job would run, and planning errors as text.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class PlannerGrainTests : IDisposable
{
    private const string Spec = """
        merge_method: linear
        models:
          - model: a
            parameters: {weight: 0.5}
          - model: b
            parameters: {weight: 0.5}
        dtype: float32
        """;

    private readonly string root = Directory.CreateTempSubdirectory("fusion-planner-").FullName;
    private readonly OneWorkerSilo silo;

    public PlannerGrainTests(OneWorkerSilo silo)
    {
        this.silo = silo;
        var shape = new SyntheticModelShape(Hidden: 64, Intermediate: 128, Layers: 3, Vocab: 256, Heads: 4);
        SyntheticCheckpoint.Write(Path.Combine(root, "a"), shape, DType.F32, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        SyntheticCheckpoint.Write(Path.Combine(root, "b"), shape, DType.F32, baseSeed: 1, variant: 1, cancellationToken: TestContext.Current.CancellationToken);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_preview_reads_every_input_tensor_once_and_writes_one_output_tensor_each()
    {
        var preview = await silo.Client.GetGrain<IPlannerGrain>(0).Preview(new MergeRequest { SpecText = Spec, SpecDirectory = root, Output = "/unused" });

        Assert.Null(preview.Error);
        Assert.Equal("linear", preview.Method);
        // Sizes straight from the safetensors files: both models are read whole, and float32 in gives float32 out.
        var perModel = TensorDataBytes(Path.Combine(root, "a"));
        Assert.Equal(2 * perModel, preview.InputBytes);
        Assert.Equal(perModel, preview.OutputBytes);
        Assert.Equal(preview.UnitNames.Count, preview.Units);
        Assert.Contains("layer 0", preview.UnitNames);
        Assert.Contains("layer 2", preview.UnitNames);
    }

    [Fact]
    public async Task A_missing_model_is_reported_with_its_name_instead_of_thrown()
    {
        var spec = Spec.Replace("model: b", "model: missing", StringComparison.Ordinal);

        var preview = await silo.Client.GetGrain<IPlannerGrain>(0).Preview(new MergeRequest { SpecText = spec, SpecDirectory = root, Output = "/unused" });

        Assert.NotNull(preview.Error);
        Assert.Contains("missing", preview.Error);
    }

    /// <summary>Bytes of tensor data in a checkpoint folder: each file less its 8-byte length and JSON header.</summary>
    private static long TensorDataBytes(string folder) =>
        Directory.EnumerateFiles(folder, "*.safetensors").Sum(file =>
        {
            using var stream = File.OpenRead(file);
            Span<byte> length = stackalloc byte[8];
            stream.ReadExactly(length);
            return stream.Length - 8 - (long)BinaryPrimitives.ReadUInt64LittleEndian(length);
        });
}
