using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// The users of Fusion:Dashboard:Users:&lt;name&gt; (PasswordHash, Role), checked once at start: a malformed
/// entry stops the dashboard with a message naming the user, never quoting the hash. The set can be
/// replaced while the dashboard runs (<see cref="Replace"/>, on a configuration reload): sign-in cookies are
/// checked against the current set on every request, so a removed or demoted user is signed out.
/// </summary>
public sealed class DashboardUserStore
{
    public const string Section = "Fusion:Dashboard:Users";

    // Unknown names are checked against this hash too, so a failed login takes as long whether or not the
    // name exists (no user enumeration by timing).
    private static readonly Lazy<string> DecoyHash = new(() => PasswordHash.Create(Guid.NewGuid().ToString("N")));

    // Replaced whole, never changed in place: readers on other threads see the old set or the new one.
    private volatile Dictionary<string, DashboardUser> users;

    public DashboardUserStore(IEnumerable<DashboardUser> users)
    {
        this.users = Validate(users);
    }

    public int Count => users.Count;

    /// <summary>Replaces the users (a configuration reload); cookies of users no longer matching stop working.</summary>
    /// <exception cref="InvalidOperationException">An entry is malformed; the set is then unchanged.</exception>
    public void Replace(IEnumerable<DashboardUser> replacement) => users = Validate(replacement);

    /// <summary>Empties the set: nobody can sign in and every cookie stops working (a reload that could not be read).</summary>
    public void Clear() => users = new Dictionary<string, DashboardUser>(StringComparer.Ordinal);

    /// <summary>The configured user of this name, if any.</summary>
    public DashboardUser? Find(string? name) => name is not null && users.TryGetValue(name, out var user) ? user : null;

    /// <summary>
    /// A digest of everything that decides what a user may do: name, role and password hash. Stored in the
    /// cookie at sign-in and compared on every request, so demoting a user or changing their password ends
    /// their sessions. It is a one-way digest (SHA-256) of a hash already stored in configuration.
    /// </summary>
    public static string StampOf(DashboardUser user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Name}\n{user.Role}\n{user.PasswordHash}")));

    public static IReadOnlyList<DashboardUser> ReadUsers(IConfiguration configuration) =>
        configuration.GetSection(Section).GetChildren().Select(entry => new DashboardUser(
            entry.Key,
            entry["Role"]?.Trim().ToLowerInvariant() ?? "",
            entry["PasswordHash"] ?? "")).ToList();

    public static DashboardUserStore FromConfiguration(IConfiguration configuration) => new(ReadUsers(configuration));

    private static Dictionary<string, DashboardUser> Validate(IEnumerable<DashboardUser> users)
    {
        var result = new Dictionary<string, DashboardUser>(StringComparer.Ordinal);
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

            result[user.Name] = user;
        }

        return result;
    }

    /// <summary>The signed-in identity for a name and password, or null when they do not match.</summary>
    public ClaimsPrincipal? Authenticate(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || Find(name) is not { } user)
        {
            PasswordHash.Verify(password ?? "", DecoyHash.Value);
            return null;
        }

        if (!PasswordHash.Verify(password, user.PasswordHash))
        {
            return null;
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(DashboardClaims.Stamp, StampOf(user))],
            CookieAuthenticationDefaults.AuthenticationScheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }
}
