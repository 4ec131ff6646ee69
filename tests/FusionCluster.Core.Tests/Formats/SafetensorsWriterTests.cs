using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Formats;

public sealed class SafetensorsWriterTests
{
    [Fact]
    public void Written_file_reads_back_with_the_same_values()
    {
        using var temp = new TempFolder();
        var random = new Random(7);
        var tensors = new List<TensorDescriptor>
        {
            new("embed.weight", DType.BF16, [33, 17]),
            new("norm.weight", DType.F32, [17]),
            new("lm_head.weight", DType.F16, [5, 17]),
            new("scale", DType.F64, []),
            new("empty", DType.BF16, [0, 3]),
            new("ids", DType.I64, [3]),
        };
        var layout = SafetensorsLayout.Compute(tensors, new Dictionary<string, string> { ["merged_by"] = "fusioncluster" });
        var values = tensors.ToDictionary(t => t.Name, t => Enumerable.Range(0, (int)t.ElementCount).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray());
        values["ids"] = [1, 2, 3];
        var path = temp.File("out.safetensors");

        using (var writer = SafetensorsWriter.Create(path, layout))
        {
            Assert.Equal(layout.FileLength, new FileInfo(path).Length);
            // Write in reverse order and in uneven chunks from several threads, as workers would.
            Parallel.ForEach(tensors.Where(t => t.DType.CanMerge()).Reverse(), tensor =>
            {
                var sink = writer.OpenSink(tensor.Name);
                var v = values[tensor.Name];
                var chunks = new[] { 0, v.Length / 3, v.Length / 2, v.Length };
                Parallel.For(0, chunks.Length - 1, i => sink.Write(chunks[i], v.AsSpan(chunks[i], chunks[i + 1] - chunks[i])));
            });
            var raw = new byte[24];
            for (var i = 0; i < 3; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), i + 1);
            }

            writer.WriteRaw("ids", 0, raw.AsSpan(0, 8));
            writer.WriteRaw("ids", 8, raw.AsSpan(8));
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRaw("ids", 20, raw.AsSpan(0, 8)));
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.OpenSink("norm.weight").Write(10, new float[8]));
            writer.Flush();
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        Assert.Equal("fusioncluster", file.Metadata["merged_by"]);
        Assert.Equal("pt", file.Metadata["format"]);
        foreach (var tensor in tensors)
        {
            var entry = file.GetEntry(tensor.Name);
            Assert.Equal(tensor.DType, entry.DType);
            Assert.Equal(tensor.Shape, entry.Shape);
            Assert.Equal(layout.GetEntry(tensor.Name).DataOffset, entry.DataOffset);
            using var source = file.OpenTensor(tensor.Name);
            var back = new float[source.ElementCount];
            source.Read(0, back);
            var expected = values[tensor.Name].Select(v => RoundTrip(tensor.DType, v)).ToArray();
            Assert.Equal(expected, back);
        }
    }

    [Fact]
    public void Header_is_valid_json_padded_to_eight_bytes_with_metadata()
    {
        foreach (var nameLength in Enumerable.Range(1, 9))
        {
            var layout = SafetensorsLayout.Compute([new(new string('w', nameLength), DType.BF16, [3]), new("b", DType.F32, [2])]);
            var header = layout.HeaderBytes.ToArray();
            var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(header);
            Assert.Equal(8 + n, header.Length);
            Assert.Equal(0, (8 + n) % 8);
            Assert.Equal(layout.DataStart, 8 + n);
            Assert.Equal(layout.DataStart + 6 + 8, layout.FileLength);

            var text = Encoding.UTF8.GetString(header, 8, (int)n);
            Assert.StartsWith("{", text);
            Assert.True(text.TrimEnd(' ').EndsWith('}'));
            Assert.All(text[(text.LastIndexOf('}') + 1)..], c => Assert.Equal(' ', c));

            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());
            var w = root.GetProperty(new string('w', nameLength));
            Assert.Equal("BF16", w.GetProperty("dtype").GetString());
            Assert.Equal([3L], w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal([0L, 6L], w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal([6L, 14L], root.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        }
    }

    [Fact]
    public void Layout_rejects_duplicate_and_reserved_names()
    {
        Assert.Throws<ArgumentException>(() => SafetensorsLayout.Compute([new("a", DType.F32, [1]), new("a", DType.F32, [1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsLayout.Compute([new("__metadata__", DType.F32, [1])]));
    }

    [Fact]
    public void Presized_file_from_header_bytes_accepts_an_external_sink()
    {
        using var temp = new TempFolder();
        var layout = SafetensorsLayout.Compute([new("x", DType.BF16, [4])]);
        var path = temp.File("shard.safetensors");
        SafetensorsWriter.CreatePresized(path, layout.HeaderBytes, layout.FileLength);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            new EncodingTensorSink(handle, layout.GetEntry("x").DataOffset, DType.BF16).Write(0, [1f, 2, 3, 4]);
        }

        using var file = SafetensorsFile.Open(path);
        using var source = file.OpenTensor("x");
        var back = new float[4];
        source.Read(0, back);
        Assert.Equal([1f, 2, 3, 4], back);
    }

    private static float RoundTrip(DType dtype, float value)
    {
        var bytes = new byte[dtype.ElementSize()];
        DTypeCodec.Encode(dtype, [value], bytes);
        var back = new float[1];
        DTypeCodec.Decode(dtype, bytes, back);
        return back[0];
    }
}
