namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Maps floats to uints whose unsigned order equals the float order, for radix selection.</summary>
public static class SortKeys
{
    /// <summary>Key of |x|: the bits of a non-negative float already sort as unsigned integers.</summary>
    public static uint Abs(float x) => BitConverter.SingleToUInt32Bits(x) & 0x7FFFFFFFu;

    /// <summary>Key of a signed float (negative values flip all bits, positive ones flip the sign bit).</summary>
    public static uint Ordered(float x)
    {
        var bits = BitConverter.SingleToUInt32Bits(x);
        return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    }

    public static float FromOrdered(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x80000000u) != 0 ? key & 0x7FFFFFFFu : ~key);

    public static float FromAbs(uint key) => BitConverter.UInt32BitsToSingle(key);
}
