using System.Security.Claims;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Configuration;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class DashboardUserStoreTests
{
    private static readonly string OperatorHash = PasswordHash.Create("operator-password", PasswordHash.MinimumIterations);

    [Fact]
    public void From_configuration_reads_users_and_roles_and_authenticates()
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
    public void Authenticate_refuses_wrong_names_and_passwords(string? name, string? password)
    {
        var store = new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, OperatorHash)]);

        Assert.Null(store.Authenticate(name, password));
    }

    [Fact]
    public void Unknown_role_stops_the_start_naming_the_user()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DashboardUserStore([new DashboardUser("olga", "admin", OperatorHash)]));

        Assert.Contains("Fusion:Dashboard:Users:olga:Role", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_text_password_stops_the_start_without_quoting_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DashboardUserStore([new DashboardUser("olga", DashboardRoles.Operator, "hunter2-plain")]));

        Assert.Contains("Fusion:Dashboard:Users:olga:PasswordHash", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-plain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_users_is_allowed_but_nobody_signs_in()
    {
        var store = DashboardUserStore.FromConfiguration(Configuration());

        Assert.Equal(0, store.Count);
        Assert.Null(store.Authenticate("olga", "operator-password"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
