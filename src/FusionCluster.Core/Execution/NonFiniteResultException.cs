using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>A merge produced NaN or infinity (refused by <see cref="CheckedOutputSink"/>); the message names the tensor and element.</summary>
public sealed class NonFiniteResultException(string message) : MergeMethodException(message);
