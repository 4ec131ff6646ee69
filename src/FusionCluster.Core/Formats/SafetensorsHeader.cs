using System.Buffers.Binary;
using System.Text.Json;
using FusionCluster.Core.Tensors;
using Microsoft.Win32.SafeHandles;

namespace FusionCluster.Core.Formats;

/// <summary>
/// The validated header of a safetensors file: an 8-byte little-endian length N, N bytes of JSON, then
/// the data section. Headers are untrusted input, so every structural promise the tensor readers rely
/// on (offsets inside the file, sizes matching shapes, no overlaps) is checked here once.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The limit the reference implementation enforces, which keeps a hostile length from allocating gigabytes.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Deepest JSON nesting of a header: tensors, their shapes and offsets, and __metadata__ need three levels.</summary>
    public const int MaxHeaderDepth = 16;

    public const string MetadataKey = "__metadata__";

    private readonly Dictionary<string, TensorEntry> byName;

    private SafetensorsHeader(string filePath, long headerLength, long fileLength, IReadOnlyDictionary<string, string>? metadata, List<TensorEntry> tensors)
    {
        FilePath = filePath;
        HeaderLength = headerLength;
        FileLength = fileLength;
        Metadata = metadata ?? new Dictionary<string, string>();
        HasMetadata = metadata is not null;
        Tensors = tensors;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string FilePath { get; }

    /// <summary>N: the JSON length including any padding.</summary>
    public long HeaderLength { get; }

    /// <summary>Absolute offset of the data section (8 + N).</summary>
    public long DataStart => 8 + HeaderLength;

    public long FileLength { get; }

    /// <summary>The __metadata__ map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool HasMetadata { get; }

    /// <summary>Tensors in data order (by offset, then name), which is the order the writer laid them out.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    public bool Contains(string name) => byName.ContainsKey(name);

    public bool TryGetEntry(string name, out TensorEntry entry) => byName.TryGetValue(name, out entry!);

    public TensorEntry GetEntry(string name) =>
        byName.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"{FilePath}: no tensor '{name}'");

    /// <summary>Reads and validates the header of <paramref name="path"/>; reads only the first 8 + N bytes.</summary>
    public static SafetensorsHeader Read(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot open: {e.Message}", e);
        }

        using (handle)
        {
            return Read(handle, path);
        }
    }

    /// <summary>Reads and validates the header from an open file; <paramref name="path"/> is for messages.</summary>
    public static SafetensorsHeader Read(SafeFileHandle handle, string path)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw new SafetensorsFormatException(path, null, $"file is {fileLength} bytes, too short for the 8-byte header length (truncated or not a safetensors file)");
        }

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(handle, prefix, 0, path);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderLength)
        {
            throw new SafetensorsFormatException(path, null, $"header length {length} exceeds the {MaxHeaderLength}-byte limit (corrupt file or not a safetensors file)");
        }

        if ((long)length > fileLength - 8)
        {
            throw new SafetensorsFormatException(path, null, $"header length {length} runs past the end of the {fileLength}-byte file (truncated file)");
        }

        var json = new byte[length];
        ReadExactly(handle, json, 8, path);
        return Parse(json, fileLength, path);
    }

    /// <summary>
    /// Validates header JSON (the N bytes after the length prefix) against a file of
    /// <paramref name="fileLength"/> bytes.
    /// </summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long fileLength, string path)
    {
        var headerLength = json.Length;
        var dataLength = fileLength - 8 - headerLength;
        if (dataLength < 0)
        {
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} runs past the end of the {fileLength}-byte file (truncated file)");
        }

        // JSON readers turn invalid UTF-8 inside a name into an InvalidOperationException (or, elsewhere,
        // into replacement characters): either would lose the file's name or change a tensor's.
        if (FirstInvalidUtf8(json.Span) is { } offset)
        {
            throw new SafetensorsFormatException(path, null, $"header is not valid UTF-8 (byte {offset} of the header): tensor names and metadata must be UTF-8 text");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxHeaderDepth });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, $"header is not valid JSON (nesting limit {MaxHeaderDepth}): {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, null, $"header must be a JSON object, not {Describe(root.ValueKind)}");
            }

            Dictionary<string, string>? metadata = null;
            var tensors = new List<(TensorEntry Entry, long Begin, long End)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new SafetensorsFormatException(path, property.Name == MetadataKey ? null : property.Name, property.Name == MetadataKey ? "__metadata__ appears twice in the header" : "name appears twice in the header");
                }

                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value, path);
                    continue;
                }

                tensors.Add(ParseTensor(property.Name, property.Value, 8 + headerLength, dataLength, path));
            }

            CheckOverlaps(tensors, path);
            var ordered = tensors
                .OrderBy(t => t.Begin)
                .ThenBy(t => t.Entry.Name, StringComparer.Ordinal)
                .Select(t => t.Entry)
                .ToList();
            return new SafetensorsHeader(path, headerLength, fileLength, metadata, ordered);
        }
    }

    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence, or null when all is valid.</summary>
    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, null, $"__metadata__ must be an object of strings, not {Describe(value.ValueKind)}");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, null, $"__metadata__ value of '{item.Name}' must be a string, not {Describe(item.Value.ValueKind)}");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new SafetensorsFormatException(path, null, $"__metadata__ key '{item.Name}' appears twice");
            }
        }

        return metadata;
    }

    private static (TensorEntry Entry, long Begin, long End) ParseTensor(string name, JsonElement value, long dataStart, long dataLength, string path)
    {
        SafetensorsFormatException Error(string problem) => new(path, name, problem);

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error($"entry must be an object with dtype, shape and data_offsets, not {Describe(value.ValueKind)}");
        }

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Error("dtype is missing or not a string");
        }

        var dtypeName = dtypeElement.GetString()!;
        if (!DTypeInfo.TryParseSafetensorsName(dtypeName, out var dtype))
        {
            throw Error($"unknown dtype '{dtypeName}' (expected F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, F8_E4M3 or F8_E5M2)");
        }

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Error("shape is missing or not a list");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
            {
                throw Error($"shape {shapeElement.GetRawText()} must be a list of non-negative integers");
            }

            shape[index++] = d;
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
        {
            throw Error("data_offsets is missing or not a [begin, end] pair");
        }

        var begin = offsetsElement[0];
        var end = offsetsElement[1];
        if (begin.ValueKind != JsonValueKind.Number || end.ValueKind != JsonValueKind.Number
            || !begin.TryGetInt64(out var b) || !end.TryGetInt64(out var e) || b < 0 || e < 0)
        {
            throw Error($"data_offsets {offsetsElement.GetRawText()} must be two non-negative integers");
        }

        if (b > e)
        {
            throw Error($"data_offsets [{b}, {e}] end before they begin");
        }

        if (e > dataLength)
        {
            throw Error($"data_offsets [{b}, {e}] run past the end of the data section ({dataLength} bytes; truncated file or bad offsets)");
        }

        var shapeText = $"[{string.Join(", ", shape)}]";
        long needed;
        try
        {
            needed = shape.Aggregate((long)dtype.ElementSize(), (a, d) => checked(a * d));
        }
        catch (OverflowException)
        {
            throw Error($"shape {shapeText} x {dtype.SafetensorsName()} is too large");
        }

        if (needed != e - b)
        {
            throw Error($"data_offsets [{b}, {e}] hold {e - b} bytes but shape {shapeText} x {dtype.SafetensorsName()} needs {needed}");
        }

        return (new TensorEntry(name, dtype, shape, dataStart + b, e - b), b, e);
    }

    private static void CheckOverlaps(List<(TensorEntry Entry, long Begin, long End)> tensors, string path)
    {
        // Empty tensors occupy no bytes, so they cannot overlap anything wherever their offsets point.
        var ordered = tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            var current = ordered[i];
            if (current.Begin < previous.End)
            {
                throw new SafetensorsFormatException(
                    path,
                    current.Entry.Name,
                    $"data_offsets [{current.Begin}, {current.End}] overlap tensor '{previous.Entry.Name}' at [{previous.Begin}, {previous.End}]");
            }
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new SafetensorsFormatException(path, null, $"unexpected end of file at byte {offset}");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
