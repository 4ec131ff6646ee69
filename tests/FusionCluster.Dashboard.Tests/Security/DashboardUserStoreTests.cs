using System.Security.Claims;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Configuration;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class DashboardUserStoreTests
{
    private static readonly string OperatorHash = PasswordHash.Create("operator-password", PasswordHash.MinimumIterations);

    [Fact]
    public void FromConfiguration_ReadsUsersAndRoles_AndAuthenticates()
    {
        var store = DashboardUserStore.FromConfiguration(Configuration(
            ("Fusion:Dashboard:Users:olga:PasswordHash", OperatorHash),
            ("Fusion:Dashboard:Users:olga:Role", "Operator"),
            ("Fusion:Dashboard:Users:victor:PasswordHash", PasswordHash.Create("viewer-password", PasswordHash.MinimumIterations)),
            ("Fusion:Dashboard:Users:victor:Role", "viewer")));

        Assert.Equal(2, store.Count);
        var olga = store.Authenticate("olga", "operator-password");
        Assert.NotNull(olga);
        Assert.Equal("olga", olga.Identity!.Name);
        Assert.True(olga.IsInRole(DashboardRoles.Operator));
        var victor = store.Authenticate("victor", "viewer-password");
        Assert.True(victor!.IsInRole(DashboardRoles.Viewer));
        Assert.False(victor.IsInRole(DashboardRoles.Operator));
        Assert.Equal(ClaimTypes.Role, victor.Claims.Single(c => c.Value == DashboardRoles.Viewer).Type);
    }

    [Theory]
    [InlineData("olga", "wrong")]
    [InlineData("nobody", "operator-password")]
    [InlineData("olga", "")]
    [InlineData("", "operator-password")]
    [InlineData(null, null)]
    public void Authenticate_RefusesWrongNamesAndPasswords(string? name, string? password)
    {
        var store = new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, OperatorHash)]);

        Assert.Null(store.Authenticate(name, password));
    }

    [Fact]
    public void UnknownRole_StopsTheStart_NamingTheUser()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DashboardUserStore([new DashboardUser("olga", "admin", OperatorHash)]));

        Assert.Contains("Fusion:Dashboard:Users:olga:Role", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainTextPassword_StopsTheStart_WithoutQuotingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, "hunter2-plain")]));

        Assert.Contains("Fusion:Dashboard:Users:olga:PasswordHash", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-plain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoUsers_IsAllowed_ButNobodySignsIn()
    {
        var store = DashboardUserStore.FromConfiguration(Configuration());

        Assert.Equal(0, store.Count);
        Assert.Null(store.Authenticate("olga", "operator-password"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
