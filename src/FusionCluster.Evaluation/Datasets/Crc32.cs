namespace FusionCluster.Evaluation.Datasets;

/// <summary>
/// CRC-32 (IEEE 802.3, the polynomial of zip and PNG). A dataset file ends with the CRC of everything
/// before it, so a flipped pixel or label is caught on read instead of silently skewing an accuracy.
/// </summary>
internal static class Crc32
{
    /// <summary>The state before any byte.</summary>
    public const uint Start = 0xFFFF_FFFFu;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> bytes) => Finish(Append(Start, bytes));

    public static uint Append(uint state, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    public static uint Finish(uint state) => ~state;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
