namespace FusionCluster.Cli.Tests.Support;

/// <summary>bfloat16 helpers written independently of the engine's codec: decode, round-to-nearest-even, ulp distance.</summary>
public static class Bf16
{
    public static float ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Rounds a value to bfloat16 (through float32, then round-to-nearest-even on the upper 16 bits).</summary>
    public static ushort Round(double value)
    {
        var bits = BitConverter.SingleToUInt32Bits((float)value);
        var rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>How many representable bfloat16 values apart two finite values are (+0 and -0 are 0 apart).</summary>
    public static int UlpDistance(ushort a, ushort b) => Math.Abs(Ordinal(a) - Ordinal(b));

    public static ushort[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var values = new ushort[bytes.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        }

        return values;
    }

    private static int Ordinal(ushort bits) => (bits & 0x8000) != 0 ? -(bits & 0x7FFF) : bits;
}
