using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// The users of Fusion:Dashboard:Users:&lt;name&gt; (PasswordHash, Role), checked once at start: a malformed
/// entry stops the dashboard with a message naming the user, never quoting the hash.
/// </summary>
public sealed class DashboardUserStore
{
    public const string Section = "Fusion:Dashboard:Users";

    // Unknown names are checked against this hash too, so a failed login takes as long whether or not the
    // name exists (no user enumeration by timing).
    private static readonly Lazy<string> DecoyHash = new(() => PasswordHash.Create(Guid.NewGuid().ToString("N")));

    private readonly Dictionary<string, DashboardUser> users;

    public DashboardUserStore(IEnumerable<DashboardUser> users)
    {
        this.users = new Dictionary<string, DashboardUser>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Length > 64 || user.Name.Any(char.IsControl))
            {
                throw new InvalidOperationException($"{Section}: a user name must be 1-64 printable characters");
            }

            if (!DashboardRoles.IsKnown(user.Role))
            {
                throw new InvalidOperationException($"{Section}:{user.Name}:Role must be '{DashboardRoles.Viewer}' or '{DashboardRoles.Operator}'");
            }

            if (!PasswordHash.IsWellFormed(user.PasswordHash, out var reason))
            {
                throw new InvalidOperationException($"{Section}:{user.Name}:PasswordHash is not a valid hash: {reason}");
            }

            this.users[user.Name] = user;
        }
    }

    public int Count => users.Count;

    public static DashboardUserStore FromConfiguration(IConfiguration configuration) =>
        new(configuration.GetSection(Section).GetChildren().Select(entry => new DashboardUser(
            entry.Key,
            entry["Role"]?.Trim().ToLowerInvariant() ?? "",
            entry["PasswordHash"] ?? "")));

    /// <summary>The signed-in identity for a name and password, or null when they do not match.</summary>
    public ClaimsPrincipal? Authenticate(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || !users.TryGetValue(name, out var user))
        {
            PasswordHash.Verify(password ?? "", DecoyHash.Value);
            return null;
        }

        if (!PasswordHash.Verify(password, user.PasswordHash))
        {
            return null;
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)],
            CookieAuthenticationDefaults.AuthenticationScheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }
}
