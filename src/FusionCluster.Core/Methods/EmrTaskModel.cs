using System.Buffers.Binary;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Rebuilds one task's model from an emr output (<see cref="EmrFiles"/>): for every merged tensor, with C the unified
/// checkpoint and τ = τ_uni (both read as float32), base b = C - τ and θ_t = M_t ? b + (float)(λ_t·τ) : b, written in the
/// checkpoint's dtype; other tensors and the config, tokenizer and other auxiliary files are copied.
/// </summary>
public static class EmrTaskModel
{
    /// <summary>The tasks of an emr output, in spec order; empty when the folder is not one.</summary>
    public static IReadOnlyList<string> Tasks(string folder) =>
        TaskFiles(folder).Select(f => f.Task).ToList();

    /// <summary>λ_t = Σ mean|τ_t| / Σ mean|M_t ⊙ τ_uni| over the task file's tensors in file order (1 when the denominator is 0, as <see cref="EmrElection.Rescalers"/>).</summary>
    public static double Rescaler(SafetensorsFile taskFile)
    {
        double numerator = 0, denominator = 0;
        Span<byte> pair = stackalloc byte[2 * sizeof(double)];
        foreach (var entry in taskFile.Tensors.Where(e => e.Name.EndsWith(EmrFiles.StatisticsSuffix, StringComparison.Ordinal)))
        {
            if (entry.ByteLength != pair.Length)
            {
                throw new CheckpointException($"{taskFile.FilePath}: tensor '{entry.Name}' should hold two float64 values, has {entry.ByteLength} bytes");
            }

            taskFile.ReadRaw(entry.Name, 0, pair);
            numerator += BinaryPrimitives.ReadDoubleLittleEndian(pair);
            denominator += BinaryPrimitives.ReadDoubleLittleEndian(pair[sizeof(double)..]);
        }

        return denominator == 0 ? 1 : numerator / denominator;
    }

    /// <summary>Writes task <paramref name="task"/>'s model into the empty or new folder <paramref name="target"/>; returns its rescaler.</summary>
    public static double Write(string folder, string task, string target)
    {
        var files = TaskFiles(folder);
        var chosen = files.FirstOrDefault(f => f.Task == task);
        if (chosen.Path is null)
        {
            throw new CheckpointException(files.Count == 0
                ? $"{folder}: no emr task files ({EmrFiles.TaskFileName(0)} ...): --task needs the output of a merge with merge_method: emr"
                : $"{folder}: no emr task '{task}'; its tasks are {string.Join(", ", files.Select(f => f.Task))}");
        }

        using var checkpoint = CheckpointFolder.Open(folder);
        using var unified = SafetensorsFile.Open(Path.Combine(folder, EmrFiles.UnifiedFileName));
        using var masks = SafetensorsFile.Open(chosen.Path);
        var rescaler = Rescaler(masks);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(folder).Where(IsCopied))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var layout = SafetensorsLayout.Compute(checkpoint.TensorNames.Select(name =>
        {
            var entry = checkpoint.GetEntry(name);
            return new TensorDescriptor(name, entry.DType, entry.Shape);
        }).ToList());
        using var writer = SafetensorsWriter.Create(Path.Combine(target, CheckpointFolder.SingleFileName), layout);
        foreach (var name in checkpoint.TensorNames)
        {
            var entry = checkpoint.GetEntry(name);
            if (!unified.Contains(name))
            {
                var bytes = new byte[entry.ByteLength];
                checkpoint.ReadRaw(name, 0, bytes);
                writer.WriteRaw(name, 0, bytes);
                continue;
            }

            writer.OpenSink(name).Write(0, Apply(checkpoint, unified, masks, name, rescaler));
        }

        writer.Flush();
        return rescaler;
    }

    private static float[] Apply(CheckpointFolder checkpoint, SafetensorsFile unified, SafetensorsFile masks, string name, double rescaler)
    {
        var n = checkpoint.GetEntry(name).ElementCount;
        if (unified.GetEntry(name).ElementCount != n || !masks.Contains(name) || masks.GetEntry(name).ByteLength != EmrFiles.MaskBytes(n))
        {
            throw new CheckpointException($"{masks.FilePath}: tensor '{name}' does not match the checkpoint's {n} elements (mask or unified task vector missing or of another size)");
        }

        var values = new float[n];
        var tau = new float[n];
        var bits = new byte[EmrFiles.MaskBytes(n)];
        using (var source = checkpoint.OpenTensor(name))
        {
            source.Read(0, values);
        }

        using (var source = unified.OpenTensor(name))
        {
            source.Read(0, tau);
        }

        masks.ReadRaw(name, 0, bits);
        for (var k = 0; k < n; k++)
        {
            var b = values[k] - tau[k];
            values[k] = (bits[k >> 3] & (1 << (k & 7))) != 0 ? b + (float)(rescaler * tau[k]) : b;
        }

        return values;
    }

    // The task model is a plain checkpoint: not the merge's weights, index, emr files or manifest.
    private static bool IsCopied(string path)
    {
        var name = Path.GetFileName(path);
        return !name.EndsWith(".safetensors", StringComparison.Ordinal)
            && name != CheckpointFolder.IndexFileName
            && name != MergeManifest.FileName;
    }

    private static List<(string Task, string Path)> TaskFiles(string folder)
    {
        var found = new List<(string, string)>();
        for (var task = 0; File.Exists(Path.Combine(folder, EmrFiles.TaskFileName(task))); task++)
        {
            var path = Path.Combine(folder, EmrFiles.TaskFileName(task));
            using var file = SafetensorsFile.Open(path);
            found.Add((file.Metadata.TryGetValue(EmrFiles.TaskMetadataKey, out var name) ? name : throw new CheckpointException($"{path}: no '{EmrFiles.TaskMetadataKey}' in its metadata"), path));
        }

        return found;
    }
}
