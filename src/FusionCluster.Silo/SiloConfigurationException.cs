namespace FusionCluster.Silo;

/// <summary>A bad or missing setting; the message is one line naming the option.</summary>
public sealed class SiloConfigurationException(string message) : Exception(message);
