using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Formats;

/// <summary>
/// A Hugging Face checkpoint folder: config.json, safetensors weights (one file, or shards with an
/// index) and tokenizer files. Opening reads only headers and small JSON files. Thread-safe.
/// </summary>
public sealed class CheckpointFolder : ICheckpoint
{
    public const string ConfigFileName = "config.json";
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>Files besides weights and config that a merged model usually carries over.</summary>
    public static readonly IReadOnlyList<string> KnownAuxiliaryFileNames =
    [
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "tokenizer.model",
        "added_tokens.json",
        "merges.txt",
        "vocab.json",
        "chat_template.jinja",
        "generation_config.json",
    ];

    private readonly Dictionary<string, SafetensorsFile> tensorFiles;
    private readonly List<SafetensorsFile> shards;
    private readonly Lazy<IReadOnlyList<WeightFileInfo>> weightFiles;
    private readonly IReadOnlyList<(string Path, long Length, DateTime Written)> openedFiles;
    private readonly LocalRoots roots;

    private CheckpointFolder(string path, LocalRoots roots, JsonObject? config, List<SafetensorsFile> shards, Dictionary<string, SafetensorsFile> tensorFiles, string? indexPath, IReadOnlyList<string> auxiliary)
    {
        FolderPath = path;
        this.roots = roots;
        Config = config;
        this.shards = shards;
        this.tensorFiles = tensorFiles;
        IndexPath = indexPath;
        AuxiliaryFiles = auxiliary;
        ShardPaths = shards.Select(s => s.FilePath).ToList();
        openedFiles = ShardPaths.Select(Stamp).ToList();
        TensorNames = shards.SelectMany(s => s.Tensors).Select(t => t.Name).ToList();
        weightFiles = new Lazy<IReadOnlyList<WeightFileInfo>>(() => shards.Select(Fingerprint).ToList());
        WeightFileVersions = openedFiles.Select(o => Version(o.Length, o.Written)).ToList();
    }

    /// <summary>Full path of the folder.</summary>
    public string FolderPath { get; }

    public string Location => FolderPath;

    public IReadOnlyList<WeightFileInfo> WeightFiles => weightFiles.Value;

    public IReadOnlyList<string> WeightFileVersions { get; }

    /// <summary>config.json, or null when the folder has none. Shared: DeepClone before changing it.</summary>
    public JsonObject? Config { get; }

    /// <summary>The index file when the weights are sharded through one.</summary>
    public string? IndexPath { get; }

    /// <summary>Weight files in order (file name order for shards).</summary>
    public IReadOnlyList<string> ShardPaths { get; }

    /// <summary>All tensor names: shard by shard, within a shard in data order. Deterministic for a given folder.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Names of the <see cref="KnownAuxiliaryFileNames"/> present, in that list's order.</summary>
    public IReadOnlyList<string> AuxiliaryFiles { get; }

    public static CheckpointFolder Open(string path) => Open(path, LocalRoots.Anywhere);

    /// <summary>
    /// Opens the folder with every file it reads resolved and checked against <paramref name="roots"/>:
    /// the folder, config, index, weight files and auxiliary files. A symlink is followed only when its
    /// target lies inside the roots (with no roots, anywhere but /proc, /sys, /dev and /run).
    /// </summary>
    /// <exception cref="StorageException">A file or the folder leads outside the roots; the message names it.</exception>
    public static CheckpointFolder Open(string path, LocalRoots roots)
    {
        var folder = roots.Check(Path.GetFullPath(path), "model folder");
        if (!Directory.Exists(folder))
        {
            throw new CheckpointException($"{folder}: checkpoint folder does not exist");
        }

        var config = ReadConfig(folder, roots);

        // A dangling link is a present file that cannot be read: say so rather than skip it.
        var auxiliary = KnownAuxiliaryFileNames.Where(n => Present(Path.Combine(folder, n))).ToList();
        foreach (var name in auxiliary)
        {
            roots.CheckFile(Path.Combine(folder, name), "auxiliary file");
        }

        var indexPath = Path.Combine(folder, IndexFileName);
        var singlePath = Path.Combine(folder, SingleFileName);

        var shards = new List<SafetensorsFile>();
        try
        {
            if (File.Exists(indexPath))
            {
                var weightMap = CheckpointJson.ParseIndex(ReadSmallFile(indexPath, roots, "index file"), indexPath);
                var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
                foreach (var shardName in shardNames)
                {
                    var shardPath = ResolveShard(folder, indexPath, shardName);
                    var file = SafetensorsFile.Open(shardPath, roots);
                    shards.Add(file);
                    byShard[shardName] = file;
                }

                var tensorFiles = ShardIndex.MapTensors(weightMap, byShard, indexPath, file => file.Header);
                return new CheckpointFolder(folder, roots, config, shards, tensorFiles, indexPath, auxiliary);
            }

            List<string> weightFiles;
            if (File.Exists(singlePath))
            {
                weightFiles = [singlePath];
            }
            else
            {
                // Like mergekit, accept a folder of safetensors files without an index.
                weightFiles = Directory.EnumerateFiles(folder, "*.safetensors")
                    .Order(StringComparer.Ordinal)
                    .ToList();
            }

            if (weightFiles.Count == 0)
            {
                var pickled = new[] { "pytorch_model.bin", "pytorch_model.bin.index.json" }.FirstOrDefault(n => File.Exists(Path.Combine(folder, n)));
                var hint = pickled is null ? "" : $" (it has {pickled}; PyTorch pickles are not read, convert them to safetensors)";
                throw new CheckpointException($"{folder}: no safetensors weights (expected {SingleFileName} or {IndexFileName}){hint}");
            }

            var files = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var weightPath in weightFiles)
            {
                var file = SafetensorsFile.Open(weightPath, roots);
                shards.Add(file);
                foreach (var entry in file.Tensors)
                {
                    if (!files.TryAdd(entry.Name, file))
                    {
                        throw new SafetensorsFormatException(weightPath, entry.Name, $"also present in {files[entry.Name].FilePath}");
                    }
                }
            }

            return new CheckpointFolder(folder, roots, config, shards, files, indexPath: null, auxiliary);
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Dispose();
            }

            throw;
        }
    }

    public bool Contains(string name) => tensorFiles.ContainsKey(name);

    /// <summary>The tensor's entry; its DataOffset is absolute within <see cref="GetFilePath"/>.</summary>
    public TensorEntry GetEntry(string name) => FileOf(name).GetEntry(name);

    public bool TryGetEntry(string name, out TensorEntry entry)
    {
        if (tensorFiles.TryGetValue(name, out var file))
        {
            entry = file.GetEntry(name);
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>The safetensors file holding a tensor.</summary>
    public string GetFilePath(string name) => FileOf(name).FilePath;

    /// <summary>Maps one tensor for reading as float32. Dispose the result to unmap it.</summary>
    public FileTensorSource OpenTensor(string name) => FileOf(name).OpenTensor(name);

    public ValueTask<bool> HasChangedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(openedFiles.Any(opened => Stamp(opened.Path) != opened));

    public ValueTask<StoredTensor> OpenTensorAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult<StoredTensor>(OpenTensor(name));

    /// <summary>Reads an auxiliary file through its resolved path: a regular file inside the roots, never a pipe or device.</summary>
    public async ValueTask<byte[]> ReadAuxiliaryFileAsync(string fileName, CancellationToken cancellationToken)
    {
        var path = GetAuxiliaryFilePath(fileName) ?? throw new CheckpointException($"{FolderPath}: no file '{fileName}'");
        return await LocalFile.ReadAllBytesAsync(roots.CheckFile(path, "auxiliary file"), "auxiliary file", cancellationToken);
    }

    /// <summary>
    /// Reads through the handle opened with the checkpoint, then checks the file's size and modification
    /// time: a file replaced or rewritten since fails like a blob whose ETag changed, so the bytes returned
    /// are the ones every unit of this process read through it.
    /// </summary>
    public async ValueTask ReadWeightFileAsync(int fileIndex, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fileIndex, shards.Count);
        var shard = shards[fileIndex];
        await shard.ReadFileAsync(offset, destination, cancellationToken);
        var opened = openedFiles[fileIndex];
        var now = Stamp(shard.FilePath);
        if (now != opened)
        {
            var found = now.Length < 0 ? "it is gone" : $"now {Version(now.Length, now.Written)}";
            throw new CheckpointException($"{shard.FilePath}: changed since the checkpoint was opened (was {Version(opened.Length, opened.Written)}, {found}); open it again");
        }
    }

    /// <summary>Copies stored bytes of a tensor, for tensors copied through without decoding.</summary>
    public void ReadRaw(string name, long byteStart, Span<byte> destination) => FileOf(name).ReadRaw(name, byteStart, destination);

    /// <summary>Full path of an auxiliary file, or null when the folder lacks it.</summary>
    public string? GetAuxiliaryFilePath(string fileName)
    {
        var full = Path.Combine(FolderPath, fileName);
        return AuxiliaryFiles.Contains(fileName, StringComparer.Ordinal) || (IsPlainFileName(fileName) && File.Exists(full)) ? full : null;
    }

    public void Dispose()
    {
        foreach (var shard in shards)
        {
            shard.Dispose();
        }
    }

    private SafetensorsFile FileOf(string name) =>
        tensorFiles.TryGetValue(name, out var file)
            ? file
            : throw new KeyNotFoundException($"{FolderPath}: no tensor '{name}'");

    /// <summary>
    /// Identifies a weight file by its size and the SHA-256 of its header (names, dtypes, shapes, offsets):
    /// hashing every byte of a many-GB checkpoint would cost as much as the merge itself. Read through the
    /// open handle, so that it describes the file the tensors are read from even if the path was replaced.
    /// </summary>
    private static WeightFileInfo Fingerprint(SafetensorsFile file)
    {
        var header = new byte[file.Header.DataStart];
        file.ReadFile(0, header);
        return new WeightFileInfo(Path.GetFileName(file.FilePath), file.Header.FileLength, Convert.ToHexStringLower(SHA256.HashData(header)));
    }

    private static string Version(long length, DateTime written) =>
        string.Create(CultureInfo.InvariantCulture, $"{length} bytes, written {written:O}");

    private static (string Path, long Length, DateTime Written) Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (path, file.Length, file.LastWriteTimeUtc) : (path, -1, DateTime.MinValue);
    }

    private static JsonObject? ReadConfig(string folder, LocalRoots roots)
    {
        var configPath = Path.Combine(folder, ConfigFileName);
        return Present(configPath) ? CheckpointJson.ParseConfig(ReadSmallFile(configPath, roots, "config file"), configPath) : null;
    }

    /// <summary>A file or a symlink (dangling or not) at <paramref name="path"/>.</summary>
    private static bool Present(string path) => File.Exists(path) || LocalPath.IsLink(path);

    private static byte[] ReadSmallFile(string path, LocalRoots roots, string what) => CheckpointJson.ReadFile(path, roots, what);

    private static string ResolveShard(string folder, string indexPath, string shardName)
    {
        // The index is untrusted: a shard name must stay inside the checkpoint folder.
        var segments = shardName.Split('/', '\\');
        if (Path.IsPathRooted(shardName) || segments.Contains("..") || shardName.Contains('\0', StringComparison.Ordinal) || shardName.Contains(':', StringComparison.Ordinal))
        {
            throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which is outside the checkpoint folder");
        }

        var full = Path.GetFullPath(Path.Combine(folder, shardName));
        var root = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which is outside the checkpoint folder");
        }

        if (!File.Exists(full))
        {
            throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which does not exist in {folder}");
        }

        return full;
    }

    private static bool IsPlainFileName(string fileName) =>
        fileName.Length > 0 && fileName == Path.GetFileName(fileName) && fileName != "." && fileName != "..";
}
