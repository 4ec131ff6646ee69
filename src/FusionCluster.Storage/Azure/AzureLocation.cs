using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// A validated blob location <c>az://container/prefix</c>: a container of the configured account and a
/// "folder" inside it (empty for the container's root). Locations come from specs and command lines,
/// so every part is checked before it reaches the service.
/// </summary>
public sealed record AzureLocation
{
    public const string Scheme = "az://";

    private AzureLocation(string container, string prefix)
    {
        Container = container;
        Prefix = prefix;
    }

    public string Container { get; }

    /// <summary>The blob-name prefix without leading or trailing '/'; empty for the container root.</summary>
    public string Prefix { get; }

    public static bool IsAzure(string location) =>
        location.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses and validates <paramref name="location"/>.</summary>
    /// <exception cref="StorageException">The location is malformed; the message names it and says what is wrong.</exception>
    public static AzureLocation Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!IsAzure(location))
        {
            throw new StorageException($"'{location}' is not a blob location (expected az://<container>/<prefix>)");
        }

        var rest = location[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (!IsValidContainerName(container))
        {
            throw new StorageException(
                $"'{location}': container name '{container}' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
        }

        if (path.Contains("//", StringComparison.Ordinal) || path.StartsWith('/'))
        {
            throw new StorageException($"'{location}': the blob prefix has an empty path segment ('//')");
        }

        try
        {
            return new AzureLocation(container, StorageNames.CheckRelativePath(path, "blob prefix"));
        }
        catch (StorageException e)
        {
            throw new StorageException($"'{location}': {e.Message}", e);
        }
    }

    /// <summary>Container names: 3-63 characters of lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    public static bool IsValidContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-'
        && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>The full blob name of <paramref name="relativeName"/> (already validated) under this prefix.</summary>
    public string BlobName(string relativeName) => Prefix.Length == 0 ? relativeName : $"{Prefix}/{relativeName}";

    /// <summary>The blob-name prefix that lists this location's contents ("" or "prefix/").</summary>
    public string ListingPrefix => Prefix.Length == 0 ? string.Empty : Prefix + "/";

    /// <summary>The az:// form of a blob under this location, for messages.</summary>
    public string Describe(string relativeName) => $"{Scheme}{Container}/{BlobName(relativeName)}";

    /// <summary>The canonical form: az://container/prefix, no trailing slash.</summary>
    public override string ToString() => Prefix.Length == 0 ? $"{Scheme}{Container}" : $"{Scheme}{Container}/{Prefix}";
}
