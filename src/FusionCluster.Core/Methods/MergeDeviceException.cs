namespace FusionCluster.Core.Methods;

/// <summary>A job asked for a device this host or build cannot run (the message names the device and why).</summary>
public sealed class MergeDeviceException(string message) : Exception(message);
