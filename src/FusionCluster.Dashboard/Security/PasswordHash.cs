using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Password hashes as stored in configuration: <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;key, base64&gt;</c>,
/// PBKDF2 with HMAC-SHA-256, a 16-byte random salt and a 32-byte key. The iteration count travels in the
/// string, so hashes made with a higher count later keep verifying older ones.
/// </summary>
public static class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>Iterations of new hashes (OWASP's 2023 guidance for PBKDF2-HMAC-SHA256 is 600,000).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Hashes with fewer iterations are refused as too cheap to brute-force.</summary>
    public const int MinimumIterations = 100_000;

    private const int SaltBytes = 16;
    private const int KeyBytes = 32;

    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var key = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");
    }

    /// <summary>True when <paramref name="encoded"/> has this format with at least <see cref="MinimumIterations"/>; the reason otherwise.</summary>
    public static bool IsWellFormed(string? encoded, out string reason)
    {
        reason = "";
        if (TryParse(encoded, out _, out _, out _))
        {
            return true;
        }

        reason = $"expected {Scheme}$<iterations, at least {MinimumIterations}>$<salt, base64>$<key, base64> (fusion dashboard hash-password makes one)";
        return false;
    }

    /// <summary>Checks a password against a stored hash in constant time; false for malformed hashes.</summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Derive(password, salt, iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] key)
    {
        iterations = 0;
        salt = key = [];
        var parts = encoded?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < MinimumIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            key = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && key.Length >= 16;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length = KeyBytes) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
