namespace FusionCluster.Client;

/// <summary>
/// Which Orleans service ids FusionCluster accepts. The service id prefixes every Redis key of grain
/// state and reminders, so two releases sharing one Redis keep their jobs apart only with different ids.
/// </summary>
public static class FusionServiceIds
{
    public const int MaxLength = 63;

    public const string Rule = "expected 1 to 63 letters, digits, '.', '-' or '_' (it becomes part of Redis keys)";

    public static bool IsValid(string? serviceId) =>
        serviceId is { Length: > 0 and <= MaxLength } && serviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
