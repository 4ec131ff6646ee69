using System.Buffers.Binary;
using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Tests.Formats;

public sealed class SafetensorsCorruptionTests : IDisposable
{
    private const string Tensor = "model.layers.0.mlp.up_proj.weight";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void File_shorter_than_the_length_prefix()
    {
        var path = temp.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Expect(path);
        Assert.Contains("3 bytes", error.Message);
        Assert.Contains("too short", error.Message);
    }

    [Fact]
    public void Absurd_header_length()
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), "{}", [], declaredLength: 1UL << 40);
        var error = Expect(path);
        Assert.Contains("header length 1099511627776 exceeds", error.Message);
    }

    [Fact]
    public void Header_length_beyond_the_file()
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), "{}", [], declaredLength: 500);
        var error = Expect(path);
        Assert.Contains("header length 500 runs past the end", error.Message);
    }

    [Fact]
    public void Truncated_file_with_offsets_beyond_the_data()
    {
        var bytes = HandMadeSafetensors.Build($$$"""{"{{{Tensor}}}":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[16]);
        var path = temp.File("model.safetensors");
        File.WriteAllBytes(path, bytes[..^6]);
        var error = Expect(path, Tensor);
        Assert.Contains("data_offsets [0, 16] run past the end of the data section (10 bytes", error.Message);
    }

    [Theory]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object, not a list")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing", "not valid JSON")]
    public void Malformed_json(string json, string expected)
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), json, new byte[4]);
        Assert.Contains(expected, Expect(path).Message);
    }

    [Theory]
    [InlineData("""{"T":[1,2]}""", "entry must be an object")]
    [InlineData("""{"T":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", "unknown dtype 'F33'")]
    [InlineData("""{"T":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}""", "dtype is missing or not a string")]
    [InlineData("""{"T":{"shape":[1],"data_offsets":[0,4]}}""", "dtype is missing")]
    [InlineData("""{"T":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "shape [-1] must be a list of non-negative integers")]
    [InlineData("""{"T":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "non-negative integers")]
    [InlineData("""{"T":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}""", "shape is missing or not a list")]
    [InlineData("""{"T":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "not a [begin, end] pair")]
    [InlineData("""{"T":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "data_offsets [4, 0] end before they begin")]
    [InlineData("""{"T":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}}""", "must be two non-negative integers")]
    [InlineData("""{"T":{"dtype":"F32","shape":[1],"data_offsets":[0,-4]}}""", "must be two non-negative integers")]
    [InlineData("""{"T":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}""", "too large")]
    public void Bad_tensor_entries(string json, string expected)
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), json, new byte[4]);
        Assert.Contains(expected, Expect(path, "T").Message);
    }

    [Fact]
    public void Byte_length_not_matching_shape_and_dtype()
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), $$$"""{"{{{Tensor}}}":{"dtype":"BF16","shape":[4,8],"data_offsets":[0,100]}}""", new byte[100]);
        var error = Expect(path, Tensor);
        Assert.Equal($"{path}: tensor '{Tensor}': data_offsets [0, 100] hold 100 bytes but shape [4, 8] x BF16 needs 64", error.Message);
    }

    [Fact]
    public void Overlapping_tensors()
    {
        var path = HandMadeSafetensors.Write(
            temp.File("model.safetensors"),
            """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}""",
            new byte[20]);
        var error = Expect(path, "b");
        Assert.Contains("overlap tensor 'a' at [0, 16]", error.Message);
    }

    [Fact]
    public void Duplicate_tensor_names()
    {
        var path = HandMadeSafetensors.Write(
            temp.File("model.safetensors"),
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
            new byte[8]);
        Assert.Contains("appears twice", Expect(path, "a").Message);
    }

    [Theory]
    [InlineData("""{"__metadata__":{"format":1}}""", "__metadata__ value of 'format' must be a string")]
    [InlineData("""{"__metadata__":["pt"]}""", "__metadata__ must be an object of strings")]
    [InlineData("""{"__metadata__":{},"__metadata__":{}}""", "__metadata__ appears twice")]
    public void Bad_metadata(string json, string expected)
    {
        var path = HandMadeSafetensors.Write(temp.File("model.safetensors"), json, []);
        Assert.Contains(expected, Expect(path).Message);
    }

    [Fact]
    public void Header_length_field_is_little_endian_unsigned()
    {
        var bytes = HandMadeSafetensors.Build("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        var path = temp.File("model.safetensors");
        File.WriteAllBytes(path, bytes);
        Assert.Contains("exceeds", Expect(path).Message);
    }

    [Fact]
    public void Tensor_name_that_is_not_utf8_is_refused_naming_the_file()
    {
        // "bad" followed by 0xC3 0x28: a two-byte sequence whose second byte is no continuation byte.
        var bytes = HandMadeSafetensors.Build("""{"badXX":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        var at = bytes.AsSpan().IndexOf("XX"u8);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        var path = temp.File("model.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Expect(path);

        Assert.Contains("not valid UTF-8 (byte 5 of the header)", error.Message);
    }

    private static SafetensorsFormatException Expect(string path, string? tensor = null)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        if (tensor is not null)
        {
            Assert.Contains($"tensor '{tensor}'", error.Message);
        }

        return error;
    }
}
