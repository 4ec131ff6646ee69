using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// An ordered set of named float32 tensors (a backbone, a head, Gram matrices, Fishers) and its safetensors file.
/// Files are written beside their target and moved over it, so a cached file is either whole or absent.
/// </summary>
public sealed class NamedTensors : IDisposable
{
    private readonly List<(string Name, Tensor Value)> entries = [];

    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToList();

    public int Count => entries.Count;

    public Tensor this[string name] => entries.FirstOrDefault(e => e.Name == name).Value
        ?? throw new KeyNotFoundException($"no tensor '{name}' (have {string.Join(", ", Names)})");

    public IEnumerable<(string Name, Tensor Value)> Entries => entries;

    /// <summary>Takes ownership of <paramref name="value"/>.</summary>
    public void Add(string name, Tensor value)
    {
        if (entries.Any(e => e.Name == name))
        {
            throw new ArgumentException($"tensor '{name}' is already present", nameof(name));
        }

        entries.Add((name, value));
    }

    public bool Contains(string name) => entries.Any(e => e.Name == name);

    /// <summary>Detached float32 copies of every tensor, in the same order.</summary>
    public NamedTensors Clone()
    {
        var copy = new NamedTensors();
        foreach (var (name, value) in entries)
        {
            using var detached = value.detach();
            copy.Add(name, detached.clone());
        }

        return copy;
    }

    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var layout = SafetensorsLayout.Compute(entries.Select(e => new TensorDescriptor(e.Name, DType.F32, e.Value.shape)).ToList(), metadata);
        var staging = full + ".partial";
        using (var writer = SafetensorsWriter.Create(staging, layout))
        {
            foreach (var (name, value) in entries)
            {
                using var scope = NewDisposeScope();
                var contiguous = value.detach().to(float32).contiguous();
                writer.OpenSink(name).Write(0, contiguous.data<float>().ToArray());
            }
        }

        File.Move(staging, full, overwrite: true);
    }

    /// <summary>Reads every tensor of a safetensors file (any float dtype) as float32, in file order.</summary>
    public static NamedTensors Load(string path)
    {
        using var file = SafetensorsFile.Open(Path.GetFullPath(path));
        return Read(file.Tensors.Select(t => t.Name).ToList(), name => (file.GetEntry(name).Shape, file.OpenTensor(name)));
    }

    /// <summary>Reads the named tensors of a checkpoint folder (a merge output: sharded or not, any float dtype).</summary>
    public static NamedTensors LoadFolder(string folder, IReadOnlyList<string> names)
    {
        using var checkpoint = CheckpointFolder.Open(folder);
        foreach (var name in names)
        {
            if (!checkpoint.Contains(name))
            {
                throw new CheckpointException($"{checkpoint.FolderPath}: missing tensor '{name}'");
            }
        }

        return Read(names, name => (checkpoint.GetEntry(name).Shape, checkpoint.OpenTensor(name)));
    }

    private static NamedTensors Read(IReadOnlyList<string> names, Func<string, (long[] Shape, FileTensorSource Source)> open)
    {
        var result = new NamedTensors();
        try
        {
            foreach (var name in names)
            {
                var (shape, source) = open(name);
                using (source)
                {
                    var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
                    source.Read(0, values);
                    result.Add(name, tensor(values, shape));
                }
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var (_, value) in entries)
        {
            value.Dispose();
        }

        entries.Clear();
    }
}
