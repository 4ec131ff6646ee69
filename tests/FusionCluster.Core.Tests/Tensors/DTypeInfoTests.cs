using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Tensors;

public sealed class DTypeInfoTests
{
    [Fact]
    public void Safetensors_names_round_trip_for_every_dtype()
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            Assert.Equal(dtype, DTypeInfo.ParseSafetensorsName(dtype.SafetensorsName()));
        }

        Assert.Equal("F8_E4M3", DType.F8E4M3.SafetensorsName());
        Assert.Equal("BOOL", DType.Bool.SafetensorsName());
        Assert.False(DTypeInfo.TryParseSafetensorsName("bf16", out _));
        Assert.Throws<FormatException>(() => DTypeInfo.ParseSafetensorsName("F128"));
    }

    [Theory]
    [InlineData("float32", DType.F32)]
    [InlineData("float16", DType.F16)]
    [InlineData("bfloat16", DType.BF16)]
    [InlineData("float64", DType.F64)]
    [InlineData("int64", DType.I64)]
    [InlineData("torch.bfloat16", DType.BF16)]
    [InlineData("torch.float16", DType.F16)]
    [InlineData("BFloat16", DType.BF16)]
    [InlineData("fp16", DType.F16)]
    public void Spec_names_parse(string name, DType expected) => Assert.Equal(expected, DTypeInfo.ParseSpecName(name));

    [Fact]
    public void Unknown_spec_name_is_rejected()
    {
        Assert.False(DTypeInfo.TryParseSpecName("float128", out _));
        Assert.False(DTypeInfo.TryParseSpecName(null, out _));
        Assert.Throws<FormatException>(() => DTypeInfo.ParseSpecName("torch."));
    }

    [Fact]
    public void Sizes_and_merge_rules()
    {
        Assert.Equal(8, DType.F64.ElementSize());
        Assert.Equal(4, DType.F32.ElementSize());
        Assert.Equal(2, DType.BF16.ElementSize());
        Assert.Equal(1, DType.F8E5M2.ElementSize());
        Assert.Equal(1, DType.Bool.ElementSize());
        Assert.Equal(
            new[] { DType.F64, DType.F32, DType.F16, DType.BF16 },
            Enum.GetValues<DType>().Where(d => d.CanMerge()));
        Assert.True(DType.F8E4M3.IsFloatingPoint());
        Assert.False(DType.I8.IsFloatingPoint());
    }
}
