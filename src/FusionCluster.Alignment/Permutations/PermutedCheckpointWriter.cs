using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Permutations;

/// <summary>
/// Writes the permuted copy of a checkpoint folder: the same shard files with the same tensors in the
/// same order (so the index, when there is one, is copied unchanged), each tensor read, permuted along
/// its axes as stored bytes (exact for every dtype) and written before the next is read; then config.json
/// and the tokenizer files.
/// </summary>
public static class PermutedCheckpointWriter
{
    public static void Write(CheckpointFolder source, PermutedTensorMap map, string outputFolder, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outputFolder);
        foreach (var shardPath in source.ShardPaths)
        {
            using var shard = SafetensorsFile.Open(shardPath);
            var layout = SafetensorsLayout.Compute(
                shard.Tensors.Select(t => new TensorDescriptor(t.Name, t.DType, t.Shape)).ToList(),
                shard.Metadata);
            using var writer = SafetensorsWriter.Create(Path.Combine(outputFolder, Path.GetFileName(shardPath)), layout);
            foreach (var entry in shard.Tensors)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.ByteLength > Array.MaxLength)
                {
                    throw new AlignmentException($"{shardPath}: tensor '{entry.Name}' has {entry.ByteLength} bytes, more than one permutation pass holds");
                }

                var stored = new byte[entry.ByteLength];
                shard.ReadRaw(entry.Name, 0, stored);
                var maps = map.AxisMaps(entry.Name, entry.Shape);
                if (maps.Any(m => m is not null))
                {
                    var permuted = new byte[stored.Length];
                    TensorGather.Gather(stored, permuted, entry.DType.ElementSize(), entry.Shape, order: null, maps);
                    stored = permuted;
                }

                writer.WriteRaw(entry.Name, 0, stored);
            }

            writer.Flush();
        }

        var copied = new List<string> { CheckpointFolder.ConfigFileName };
        if (source.IndexPath is not null)
        {
            copied.Add(CheckpointFolder.IndexFileName);
        }

        copied.AddRange(source.AuxiliaryFiles);
        foreach (var name in copied.Distinct(StringComparer.Ordinal))
        {
            var from = Path.Combine(source.FolderPath, name);
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(outputFolder, name), overwrite: true);
            }
        }
    }
}
