using System.Text;
using FusionCluster.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// Parses the YAML of a merge or sweep spec within <see cref="SpecLimits"/>, reporting malformed or oversized
/// YAML as a <see cref="SpecException"/> that names the source, the line and the limit. Every YAML file a silo
/// reads goes through it (merge and sweep specs, templates, permutation specs).
/// </summary>
public static class SpecYaml
{
    public static YamlStream Load(string yaml, string sourceName)
    {
        if (yaml.Length > SpecLimits.MaxCharacters)
        {
            throw new SpecException($"{sourceName}: the spec is {yaml.Length} characters long; the limit is {SpecLimits.MaxCharacters} ({SpecLimits.MaxCharacters / 1024} Ki)");
        }

        var stream = new YamlStream();
        var parser = new BoundedYamlParser(new Parser(new StringReader(yaml)), sourceName, SpecLimits.MaxDepth, SpecLimits.MaxExpandedNodes);
        try
        {
            stream.Load(parser);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, with no position, on a flow mapping or list left open across lines.
            throw new SpecException($"{sourceName} line {parser.LastLine}: malformed YAML: cannot read on after this line; is a '{{' or '[' here left open?");
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps some errors (duplicate keys among them) around a more precise inner one.
            var inner = e.InnerException as YamlException ?? e;
            throw new SpecException($"{sourceName} line {inner.Start.Line}: malformed YAML: {inner.Message}");
        }

        return stream;
    }

    /// <summary>Reads a spec file's text (see <see cref="ReadText(string, string, LocalRoots)"/>), wherever it is.</summary>
    public static string ReadText(string path, string what) => ReadText(path, what, LocalRoots.Anywhere);

    /// <summary>
    /// Reads a spec file's text: the file must resolve inside <paramref name="roots"/>, outside /proc, /sys, /dev and
    /// /run, and be a regular file (a FIFO would block the reader, /dev/zero never end), and at most
    /// <see cref="SpecLimits.MaxCharacters"/> characters' worth of bytes are read whatever its size says.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for messages ("spec file", "sweep file").</param>
    /// <param name="roots">The data roots the file must lie in (<see cref="LocalRoots.Anywhere"/> for none).</param>
    /// <exception cref="SpecException">The file is refused, unreadable or too long; the message names it.</exception>
    public static string ReadText(string path, string what, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(roots);

        // UTF-8 takes at most four bytes a character; the exact count is checked on the text.
        const long MaxBytes = SpecLimits.MaxCharacters * 4L;
        try
        {
            using var stream = LocalFile.OpenRegular(roots.CheckFile(path, what), what);
            if (stream.Length > MaxBytes)
            {
                throw new SpecException($"{path}: the {what} is {stream.Length} bytes long; a spec may have at most {SpecLimits.MaxCharacters} characters");
            }

            // The limit applies to what is read too: a file that grows after the length was taken stops here.
            using var bytes = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1 - bytes.Length))) > 0)
            {
                bytes.Write(chunk, 0, read);
                if (bytes.Length > MaxBytes)
                {
                    throw new SpecException($"{path}: the {what} is more than {MaxBytes} bytes long; a spec may have at most {SpecLimits.MaxCharacters} characters");
                }
            }

            bytes.Position = 0;
            using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read the {what}: {e.Message}");
        }
    }
}
