namespace FusionCluster.Dashboard.Security;

/// <summary>A user from configuration: a name, a role and a password hash (never the password).</summary>
public sealed record DashboardUser(string Name, string Role, string PasswordHash);
