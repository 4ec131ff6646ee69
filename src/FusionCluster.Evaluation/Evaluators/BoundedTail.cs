using System.Text;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Reads a stream to its end keeping only its last <c>capacity</c> characters, so a command that prints
/// without end costs bounded memory; the pipe is still drained so the command never blocks on it.
/// </summary>
internal static class BoundedTail
{
    public static async Task<(string Text, long Total)> ReadAsync(TextReader reader, int capacity)
    {
        var kept = new StringBuilder();
        var buffer = new char[8192];
        long total = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
        {
            total += read;
            kept.Append(buffer, 0, read);
            if (kept.Length > 2 * capacity)
            {
                kept.Remove(0, kept.Length - capacity);
            }
        }

        if (kept.Length > capacity)
        {
            kept.Remove(0, kept.Length - capacity);
        }

        return (kept.ToString(), total);
    }
}
