using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Formats;

public sealed class SafetensorsReaderTests
{
    [Fact]
    public void Reads_a_hand_made_file()
    {
        using var temp = new TempFolder();
        var data = HandMadeSafetensors.Floats(1, 2, 3, 4, 5, 6)
            .Concat(HandMadeSafetensors.BFloat16s(0.5f, -1, 2, 256))
            .Concat(new byte[] { 7, 8, 9 })
            .ToArray();
        const string json = """
            {"__metadata__":{"format":"pt"},
             "b":{"dtype":"BF16","shape":[2,2],"data_offsets":[24,32]},
             "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
             "empty":{"dtype":"F16","shape":[0,4],"data_offsets":[32,32]},
             "u":{"dtype":"U8","shape":[3],"data_offsets":[32,35]}}
            """;
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), json, data);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a", "b", "empty", "u"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);

        var a = file.GetEntry("a");
        Assert.Equal(DType.F32, a.DType);
        Assert.Equal([2L, 3L], a.Shape);
        Assert.Equal(8 + file.Header.HeaderLength, a.DataOffset);
        Assert.Equal(24, a.ByteLength);

        using (var source = file.OpenTensor("a"))
        {
            Assert.Equal([2L, 3L], source.Shape);
            Assert.Equal(6, source.ElementCount);
            var all = new float[6];
            source.Read(0, all);
            Assert.Equal([1f, 2, 3, 4, 5, 6], all);
            var part = new float[2];
            source.Read(3, part);
            Assert.Equal([4f, 5], part);
            Assert.Throws<ArgumentOutOfRangeException>(() => source.Read(5, new float[2]));
        }

        using (var source = file.OpenTensor("b"))
        {
            var values = new float[4];
            source.Read(0, values);
            Assert.Equal([0.5f, -1, 2, 256], values);
        }

        using (var source = file.OpenTensor("empty"))
        {
            Assert.Equal(0, source.ElementCount);
            source.Read(0, Span<float>.Empty);
        }

        var raw = new byte[2];
        file.ReadRaw("u", 1, raw);
        Assert.Equal(new byte[] { 8, 9 }, raw);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRaw("u", 2, raw));
    }

    [Fact]
    public void Disposed_source_refuses_reads()
    {
        using var temp = new TempFolder();
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(1));
        using var file = SafetensorsFile.Open(path);
        var source = file.OpenTensor("a");
        source.Dispose();
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.Read(0, new float[1]));
    }

    [Fact]
    public void File_with_only_empty_tensors_opens()
    {
        using var temp = new TempFolder();
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), """{"e":{"dtype":"BF16","shape":[0],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,0]}}""", []);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 's'", error.Message);
        Assert.Contains("shape [] x F32 needs 4", error.Message);

        HandMadeSafetensors.Write(path, """{"e":{"dtype":"BF16","shape":[0],"data_offsets":[0,0]}}""", []);
        using var file = SafetensorsFile.Open(path);
        using var source = file.OpenTensor("e");
        source.Read(0, []);
        Assert.Empty(file.Metadata);
        Assert.False(file.Header.HasMetadata);
    }

    [Fact]
    public void Scalar_tensor_has_one_element()
    {
        using var temp = new TempFolder();
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), """{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", HandMadeSafetensors.Floats(42));
        using var file = SafetensorsFile.Open(path);
        using var source = file.OpenTensor("s");
        var value = new float[1];
        source.Read(0, value);
        Assert.Equal(42f, value[0]);
    }

    [Fact]
    public void Header_parsing_reads_only_the_header()
    {
        using var temp = new TempFolder();
        // Data section of 1 MiB after the header; header parsing must not need it beyond its length.
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), """{"a":{"dtype":"U8","shape":[1048576],"data_offsets":[0,1048576]}}""", new byte[1 << 20]);
        var header = SafetensorsHeader.Read(path);
        Assert.Equal(1 << 20, header.GetEntry("a").ByteLength);
        Assert.Equal(new FileInfo(path).Length, header.FileLength);
    }

    [Fact]
    public void Open_source_outlives_its_file_and_reads_concurrently()
    {
        using var temp = new TempFolder();
        var values = Enumerable.Range(0, 10_000).Select(i => (float)i).ToArray();
        var path = HandMadeSafetensors.Write(temp.File("x.safetensors"), """{"a":{"dtype":"F32","shape":[100,100],"data_offsets":[0,40000]}}""", HandMadeSafetensors.Floats(values));
        FileTensorSource source;
        using (var file = SafetensorsFile.Open(path))
        {
            source = file.OpenTensor("a");
        }

        using (source)
        {
            Parallel.For(0, 100, row =>
            {
                var buffer = new float[100];
                source.Read(row * 100L, buffer);
                Assert.Equal(values.AsSpan(row * 100, 100).ToArray(), buffer);
            });
        }
    }
}
