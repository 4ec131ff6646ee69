namespace FusionCluster.Dashboard.Security;

/// <summary>The fields the login page posts.</summary>
public sealed class LoginForm
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}
