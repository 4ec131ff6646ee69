namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// The order of a row of 32-bit keys, ascending and stable (equal keys keep their column order): the same
/// order as sorting (key &lt;&lt; 32 | column), by an LSD radix sort of four 8-bit digits, which costs a few
/// operations per element instead of a comparison sort's n·log n.
/// </summary>
public static class StableRadixOrder
{
    /// <summary>Writes into order the columns of keys, ascending by key then column; scratch needs keys.Length.</summary>
    public static void Sort(Span<uint> keys, Span<int> order, Span<uint> scratchKeys, Span<int> scratchOrder)
    {
        var n = keys.Length;
        if (n == 0)
        {
            return;
        }

        scratchKeys = scratchKeys[..n];
        scratchOrder = scratchOrder[..n];
        for (var c = 0; c < n; c++)
        {
            order[c] = c;
        }

        Span<int> counts = stackalloc int[256];
        var inScratch = false;
        for (var shift = 0; shift < 32; shift += 8)
        {
            var fromKeys = inScratch ? scratchKeys : keys;
            var fromOrder = inScratch ? scratchOrder : order;
            var toKeys = inScratch ? keys : scratchKeys;
            var toOrder = inScratch ? order : scratchOrder;
            counts.Clear();
            foreach (var key in fromKeys)
            {
                counts[(int)((key >> shift) & 0xFF)]++;
            }

            // A digit every key shares moves nothing.
            if (counts[(int)((fromKeys[0] >> shift) & 0xFF)] == n)
            {
                continue;
            }

            var sum = 0;
            for (var d = 0; d < 256; d++)
            {
                (counts[d], sum) = (sum, sum + counts[d]);
            }

            for (var i = 0; i < n; i++)
            {
                var key = fromKeys[i];
                var at = counts[(int)((key >> shift) & 0xFF)]++;
                toKeys[at] = key;
                toOrder[at] = fromOrder[i];
            }

            inScratch = !inScratch;
        }

        if (inScratch)
        {
            scratchOrder[..n].CopyTo(order);
            scratchKeys[..n].CopyTo(keys);
        }
    }
}
