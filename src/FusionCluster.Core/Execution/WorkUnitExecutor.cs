using System.Buffers;
using System.Diagnostics;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Runs one work unit: reads the input ranges it needs, merges tensor by tensor in chunks, and writes
/// the results at their planned offsets in the staged shard files. Running a unit twice writes the same
/// bytes to the same places, so a retried or re-dispatched unit is harmless.
/// </summary>
public sealed class WorkUnitExecutor(CheckpointCache checkpoints)
{
    private const int CopyChunkBytes = 8 << 20;

    public UnitResult Execute(UnitAssignment plan, CancellationToken cancellationToken = default)
    {
        var unit = plan.Unit;
        var stopwatch = Stopwatch.StartNew();
        var warnings = new List<string>();
        var handles = new Dictionary<int, Microsoft.Win32.SafeHandles.SafeFileHandle>();
        try
        {
            foreach (var tensor in unit.Tensors)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!handles.TryGetValue(tensor.Shard, out var handle))
                {
                    handles[tensor.Shard] = handle = File.OpenHandle(Path.Combine(plan.StagingDirectory, plan.ShardFiles[tensor.Shard]), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                }

                if (tensor.Kind == TensorKind.Copy)
                {
                    Copy(plan, tensor, handle, cancellationToken);
                }
                else
                {
                    Merge(plan, tensor, handle, warnings);
                }
            }
        }
        finally
        {
            foreach (var handle in handles.Values)
            {
                handle.Dispose();
            }
        }

        return new UnitResult(unit.Index, unit.InputBytes, unit.OutputBytes, stopwatch.Elapsed.TotalSeconds, warnings);
    }

    private void Copy(UnitAssignment plan, TensorPlan tensor, Microsoft.Win32.SafeHandles.SafeFileHandle output, CancellationToken cancellationToken)
    {
        var input = tensor.Inputs[0];
        var folder = checkpoints.Get(plan.ModelPaths[input.Model]);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunkBytes);
        try
        {
            for (long done = 0; done < tensor.ByteLength; done += CopyChunkBytes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var span = buffer.AsSpan(0, (int)Math.Min(CopyChunkBytes, tensor.ByteLength - done));
                folder.ReadRaw(input.Tensor, done, span);
                RandomAccess.Write(output, span, tensor.Offset + done);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Merge(UnitAssignment plan, TensorPlan tensor, Microsoft.Win32.SafeHandles.SafeFileHandle output, List<string> warnings)
    {
        var opened = new List<IDisposable>();
        try
        {
            TensorSource Open(TensorInput input)
            {
                var folder = checkpoints.Get(plan.ModelPaths[input.Model]);
                var source = folder.OpenTensor(input.Tensor);
                opened.Add(source);
                TensorSource view = source;
                if (!source.Shape.SequenceEqual(tensor.Shape))
                {
                    view = new CroppedTensorSource(view, tensor.Shape[0], tensor.Shape[1]);
                }

                var inputDType = folder.GetEntry(input.Tensor).DType;
                return inputDType != tensor.ComputeDType && Precision.IsNarrowerThanFloat32(tensor.ComputeDType)
                    ? new PrecisionTensorSource(view, tensor.ComputeDType)
                    : view;
            }

            var method = MergeMethodRegistry.Get(plan.Method);
            var sink = new CheckedOutputSink(
                new EncodingTensorSink(output, tensor.Offset, tensor.OutputDType),
                tensor.Name,
                tensor.ComputeDType != tensor.OutputDType && Precision.IsNarrowerThanFloat32(tensor.ComputeDType) ? tensor.ComputeDType : null);
            var context = new MergeTensorContext
            {
                TensorName = tensor.Name,
                Shape = tensor.Shape,
                IsEmbedding = tensor.IsEmbedding,
                Base = tensor.Base is null ? null : Open(tensor.Base),
                BaseModel = tensor.Base?.Model,
                Models = tensor.Inputs.Select(i => new ModelTensor(i.Model, Open(i), i.Parameters)).ToList(),
                Parameters = tensor.Parameters,
                Seed = tensor.Seed,
                Output = sink,
                Warn = message => { lock (warnings) { warnings.Add($"{tensor.Name}: {message}"); } },
            };
            method.Merge(context);
            if (sink.Written != tensor.ElementCount)
            {
                throw new MergeMethodException($"tensor '{tensor.Name}': merge_method '{plan.Method}' wrote {sink.Written} of {tensor.ElementCount} elements");
            }
        }
        finally
        {
            foreach (var source in opened)
            {
                source.Dispose();
            }
        }
    }
}
