using System.Buffers.Binary;
using System.Text;

namespace FusionCluster.TestSupport;

/// <summary>Builds safetensors bytes by hand, independently of the repository's writer.</summary>
public static class HandMadeSafetensors
{
    public static byte[] Build(string json, byte[] data, ulong? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static string Write(string path, string json, byte[] data, ulong? declaredLength = null)
    {
        File.WriteAllBytes(path, Build(json, data, declaredLength));
        return path;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>A valid file with one F32 tensor of the given name and values.</summary>
    public static byte[] OneTensor(string name, params float[] values) =>
        Build($$$"""{"{{{name}}}":{"dtype":"F32","shape":[{{{values.Length}}}],"data_offsets":[0,{{{values.Length * 4}}}]}}""", Floats(values));

    public static byte[] BFloat16s(params float[] values)
    {
        // Only values exactly representable in bf16 are used here, so truncation is exact.
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
        }

        return bytes;
    }
}
