using FusionCluster.Dashboard.Security;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class LocalReturnUrlTests
{
    [Theory]
    [InlineData("/jobs", "/jobs")]
    [InlineData("/jobs/20261123-1/artifacts", "/jobs/20261123-1/artifacts")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("jobs", "/")]
    [InlineData("/jobs\r\nSet-Cookie: x", "/")]
    public void Only_paths_of_this_site_are_kept(string? returnUrl, string expected)
    {
        Assert.Equal(expected, LocalReturnUrl.Sanitize(returnUrl));
    }
}
