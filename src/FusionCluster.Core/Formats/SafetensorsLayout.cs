using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Formats;

/// <summary>
/// Where everything goes in a safetensors file to be written: the header bytes and each tensor's
/// absolute offset. Tensors are laid out contiguously in the given order, so a file can be pre-sized
/// and its tensors written independently, in any order, by any worker.
/// </summary>
public sealed class SafetensorsLayout
{
    private readonly byte[] header;
    private readonly Dictionary<string, TensorEntry> byName;

    private SafetensorsLayout(byte[] header, IReadOnlyDictionary<string, string> metadata, List<TensorEntry> tensors, long dataLength)
    {
        this.header = header;
        Metadata = metadata;
        Tensors = tensors;
        byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        FileLength = header.Length + dataLength;
    }

    /// <summary>Everything before the data: 8-byte length, JSON, space padding.</summary>
    public ReadOnlySpan<byte> HeaderBytes => header;

    /// <summary>Absolute offset of the data section; a multiple of 8.</summary>
    public long DataStart => header.Length;

    public long FileLength { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensors in file order with absolute offsets.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    public TensorEntry GetEntry(string name) =>
        byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"layout has no tensor '{name}'");

    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>A copy of <see cref="HeaderBytes"/>.</summary>
    public byte[] ToHeaderArray() => (byte[])header.Clone();

    /// <param name="tensors">Tensors in the order their data should appear.</param>
    /// <param name="metadata">
    /// __metadata__ entries. "format": "pt" is added when absent, because transformers refuses a
    /// safetensors file whose metadata lacks a known format.
    /// </param>
    public static SafetensorsLayout Compute(IReadOnlyList<TensorDescriptor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }
        }

        meta.TryAdd("format", "pt");

        var names = new HashSet<string>(StringComparer.Ordinal);
        var relative = new List<(TensorDescriptor Tensor, long Begin, long End)>(tensors.Count);
        long offset = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Name == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"tensor '{tensor.Name}' appears twice", nameof(tensors));
            }

            if (tensor.Shape.Any(d => d < 0))
            {
                throw new ArgumentException($"tensor '{tensor.Name}' has a negative dimension in [{string.Join(", ", tensor.Shape)}]", nameof(tensors));
            }

            var length = tensor.ByteLength;
            relative.Add((tensor, offset, offset + length));
            offset = checked(offset + length);
        }

        var json = WriteJson(meta, relative);
        var padded = (json.Length + 7) / 8 * 8;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.CopyTo(header, 8);
        header.AsSpan(8 + json.Length).Fill((byte)' ');

        var entries = relative
            .Select(r => new TensorEntry(r.Tensor.Name, r.Tensor.DType, (long[])r.Tensor.Shape.Clone(), header.Length + r.Begin, r.End - r.Begin))
            .ToList();
        return new SafetensorsLayout(header, meta, entries, offset);
    }

    private static byte[] WriteJson(Dictionary<string, string> metadata, List<(TensorDescriptor Tensor, long Begin, long End)> tensors)
    {
        using var stream = new MemoryStream();
        // Relaxed escaping keeps names such as "a+b" readable; the output is still valid JSON.
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(SafetensorsHeader.MetadataKey);
            foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            foreach (var (tensor, begin, end) in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.DType.SafetensorsName());
                writer.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(begin);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
