using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace FusionCluster.Evaluation.Tests.Support;

/// <summary>
/// A deliberately separate float32 safetensors reader and writer (8-byte header length, JSON, data), so
/// tests check the code under test against the file format itself rather than against the code's own helpers.
/// </summary>
public static class RawSafetensors
{
    public static void Write(string path, params (string Name, long[] Shape, float[] Values)[] tensors)
    {
        var json = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            var end = offset + (values.Length * 4L);
            json.Append(CultureInfo.InvariantCulture, $"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{end}]}},");
            offset = end;
        }

        json.Length--;
        json.Append('}');
        var header = Encoding.UTF8.GetBytes(json.ToString());
        using var stream = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, _, values) in tensors)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    public static Dictionary<string, (long[] Shape, float[] Values)> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var document = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
        {
            Assert.Equal("F32", property.Value.GetProperty("dtype").GetString());
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(o => (int)o.GetInt64()).ToArray();
            var data = bytes.AsSpan(8 + headerLength + offsets[0], offsets[1] - offsets[0]);
            tensors[property.Name] = (shape, MemoryMarshal.Cast<byte, float>(data).ToArray());
        }

        return tensors;
    }
}
