using System.Text.RegularExpressions;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Removes credentials from text before it is shown or logged: account keys, SAS signatures and tokens,
/// passwords in connection strings, and every configured secret verbatim. Errors from storage SDKs and
/// from the cluster can quote URLs or connection strings; nothing the dashboard renders skips this.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";

    private static readonly string[] SecretKeys =
    [
        "Fusion:Storage:Azure:ConnectionString",
        "Fusion:Cluster:Redis",
    ];

    private readonly IReadOnlyList<string> secrets;

    public SecretRedactor(IEnumerable<string> secrets) =>
        this.secrets = secrets.Where(s => s.Length >= 8).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToList();

    /// <summary>A redactor that also masks the configured connection strings verbatim.</summary>
    public static SecretRedactor FromConfiguration(IConfiguration configuration) =>
        new(SecretKeys.Select(key => configuration[key]).OfType<string>());

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = ConnectionStringSecret().Replace(text, m => $"{m.Groups["key"].Value}={Mask}");
        return SasSignature().Replace(text, m => $"{m.Groups["key"].Value}={Mask}");
    }

    // AccountKey=...; SharedAccessSignature=...; password=... inside connection strings (up to ';' or whitespace).
    [GeneratedRegex(@"(?<key>AccountKey|SharedAccessSignature|SharedAccessKey|password|pwd)\s*=\s*[^;\s,]+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringSecret();

    // sig=... in SAS query strings; the other SAS parameters (expiry, permissions) are harmless alone.
    [GeneratedRegex(@"(?<key>[?&]sig)=[^&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();
}
