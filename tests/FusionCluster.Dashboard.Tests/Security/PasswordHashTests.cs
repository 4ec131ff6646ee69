using FusionCluster.Dashboard.Security;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class PasswordHashTests
{
    [Fact]
    public void Create_then_verify_accepts_only_the_password()
    {
        var hash = PasswordHash.Create("correct horse", PasswordHash.MinimumIterations);

        Assert.StartsWith("pbkdf2-sha256$100000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("correct horse", hash));
        Assert.False(PasswordHash.Verify("correct horsE", hash));
        Assert.False(PasswordHash.Verify("", hash));
    }

    [Fact]
    public void Create_salts_every_hash()
    {
        Assert.NotEqual(PasswordHash.Create("same", PasswordHash.MinimumIterations), PasswordHash.Create("same", PasswordHash.MinimumIterations));
    }

    [Fact]
    public void Create_defaults_to_owasp_iterations()
    {
        Assert.StartsWith("pbkdf2-sha256$600000$", PasswordHash.Create("pw"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha1$600000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("pbkdf2-sha256$600000$not base64!$a2V5a2V5a2V5a2V5a2V5a2V5")]
    [InlineData("pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0")]
    public void Malformed_or_weak_hashes_are_refused(string encoded)
    {
        Assert.False(PasswordHash.IsWellFormed(encoded, out var reason));
        Assert.Contains("hash-password", reason, StringComparison.Ordinal);
        Assert.False(PasswordHash.Verify("anything", encoded));
    }

    [Fact]
    public void Create_refuses_too_few_iterations()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordHash.Create("pw", 1000));
    }
}
