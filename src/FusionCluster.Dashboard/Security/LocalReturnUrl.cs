namespace FusionCluster.Dashboard.Security;

/// <summary>Where to go after signing in: only paths of this site, so the login form cannot redirect elsewhere.</summary>
public static class LocalReturnUrl
{
    public static string Sanitize(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : "/";
}
