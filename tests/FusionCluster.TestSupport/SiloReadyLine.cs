using System.Globalization;

namespace FusionCluster.TestSupport;

/// <summary>
/// The line fusion-silo prints once started:
/// <c>fusion-silo ready name=&lt;name&gt; role=&lt;role&gt; silo-port=&lt;p&gt; gateway-port=&lt;p&gt; slots=&lt;n&gt; device=&lt;d&gt;</c>.
/// </summary>
public sealed record SiloReadyLine(string Name, string Role, int SiloPort, int GatewayPort, int Slots, string Device)
{
    public const string Prefix = "fusion-silo ready ";

    public static bool IsReadyLine(string line) => line.StartsWith(Prefix, StringComparison.Ordinal);

    /// <exception cref="FormatException">Not a ready line, or a field is missing.</exception>
    public static SiloReadyLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!IsReadyLine(line))
        {
            throw new FormatException($"not a fusion-silo ready line: '{line}'");
        }

        var fields = line[Prefix.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

        string Field(string key) => fields.TryGetValue(key, out var value) ? value : throw new FormatException($"ready line without {key}=: '{line}'");
        int Number(string key) => int.Parse(Field(key), NumberStyles.None, CultureInfo.InvariantCulture);

        return new SiloReadyLine(Field("name"), Field("role"), Number("silo-port"), Number("gateway-port"), Number("slots"), Field("device"));
    }
}
