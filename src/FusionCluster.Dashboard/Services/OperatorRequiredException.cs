namespace FusionCluster.Dashboard.Services;

/// <summary>A viewer (or a signed-out circuit) asked for something only operators may do; nothing was sent to the cluster.</summary>
public sealed class OperatorRequiredException(string action) : Exception($"only operators may {action}");
