namespace FusionCluster.Core.Methods;

/// <summary>A merge method cannot produce a result for the given inputs (the message names the tensor and why).</summary>
public class MergeMethodException(string message) : Exception(message);
