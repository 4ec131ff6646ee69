using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Methods;

/// <summary>
/// The files an <c>emr</c> merge writes beside its checkpoint (which holds the unified model, base + τ_uni):
/// <c>emr-unified.safetensors</c> holds τ_uni of every merged tensor in the output's dtype, and one
/// <c>emr-task-NN.safetensors</c> per task (spec order, metadata <c>emr_task</c> = the model as the spec names it) holds
/// per merged tensor its mask as bits (U8, ⌈n/8⌉ bytes, element k in bit k mod 8 of byte k/8, numpy's
/// <c>packbits(bitorder="little")</c>) and, as <c>NAME.emr_abs</c> (F64 [2]), that tensor's mean |τ_t| and mean |M_t ⊙ τ_uni|.
/// The task's rescaler is Σ of the first over Σ of the second, summed in file order; each merge unit writes the
/// entries of its own tensors at places fixed at plan time, so the files are the same bytes whichever silos run the units.
/// </summary>
public static class EmrFiles
{
    public const string UnifiedFileName = "emr-unified.safetensors";

    public const string TaskMetadataKey = "emr_task";

    public const string StatisticsSuffix = ".emr_abs";

    public static string TaskFileName(int task) => $"emr-task-{task + 1:D2}.safetensors";

    public static long MaskBytes(long elements) => (elements + 7) / 8;

    /// <summary>Whether a planned tensor carries emr sidecars: merged ones with a base (copied tensors are the same for every task).</summary>
    public static bool Carries(TensorPlan tensor) => tensor.Kind == TensorKind.Merge && tensor.Base is not null;

    /// <summary>
    /// Lays out the sidecar files after the checkpoint's <paramref name="firstShard"/> shards and gives each merged tensor its
    /// sidecars in the order <see cref="EmrMethod"/> writes them: τ_uni, then per task its mask and its statistics.
    /// </summary>
    public static (IReadOnlyList<OutputShard> Shards, IReadOnlyList<TensorPlan> Tensors) Lay(IReadOnlyList<TensorPlan> tensors, int firstShard)
    {
        var merged = tensors.Where(Carries).ToList();
        if (merged.Count == 0)
        {
            return ([], tensors);
        }

        var tasks = merged[0].Inputs.Select(i => i.Model).ToList();
        var odd = merged.FirstOrDefault(t => !t.Inputs.Select(i => i.Model).SequenceEqual(tasks, StringComparer.Ordinal));
        if (odd is not null)
        {
            throw new SpecException(
                $"merge_method 'emr' needs the same models for every tensor (one mask file per model): tensor '{odd.Name}' has {string.Join(", ", odd.Inputs.Select(i => i.Model))}, tensor '{merged[0].Name}' has {string.Join(", ", tasks)}");
        }

        var files = new List<(string Name, SafetensorsLayout Layout)>
        {
            (UnifiedFileName, SafetensorsLayout.Compute(merged.Select(t => new TensorDescriptor(t.Name, t.OutputDType, t.Shape)).ToList())),
        };
        for (var task = 0; task < tasks.Count; task++)
        {
            var descriptors = merged.SelectMany(t => new[]
            {
                new TensorDescriptor(t.Name, DType.U8, [MaskBytes(t.ElementCount)]),
                new TensorDescriptor(t.Name + StatisticsSuffix, DType.F64, [2]),
            }).ToList();
            files.Add((TaskFileName(task), SafetensorsLayout.Compute(descriptors, new Dictionary<string, string> { [TaskMetadataKey] = tasks[task] })));
        }

        TensorPlan Place(int file, string name, DType dtype, long[] shape)
        {
            var entry = files[file].Layout.GetEntry(name);
            return new TensorPlan
            {
                Name = name,
                Kind = TensorKind.Merge,
                Shape = shape,
                OutputDType = dtype,
                ComputeDType = dtype,
                Inputs = [],
                Shard = firstShard + file,
                Offset = entry.DataOffset,
                ByteLength = entry.ByteLength,
            };
        }

        var withSidecars = tensors.Select(t => !Carries(t) ? t : t with
        {
            Sidecars = [Place(0, t.Name, t.OutputDType, t.Shape), .. Enumerable.Range(0, tasks.Count).SelectMany(task => new[]
            {
                Place(task + 1, t.Name, DType.U8, [MaskBytes(t.ElementCount)]),
                Place(task + 1, t.Name + StatisticsSuffix, DType.F64, [2]),
            })],
        }).ToList();
        return (files.Select(f => new OutputShard(f.Name, f.Layout.ToHeaderArray(), f.Layout.FileLength)).ToList(), withSidecars);
    }
}
