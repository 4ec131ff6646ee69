using TorchSharp;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Scalars that live as long as the process, for the alpha of <c>add</c>, clamp bounds and the like.
/// <para>
/// The rule for torch code (docs/architecture.md, "TorchSharp and the garbage collector"): TorchSharp 0.107's
/// <see cref="torch.Tensor"/> and <see cref="Scalar"/> have finalizers, and its op wrappers hand libtorch raw handles
/// without <c>GC.KeepAlive</c>, so an object nothing references any more (the <c>matmul</c> result in
/// <c>a.t().matmul(a).div(n)</c>, the Scalar made from <c>n</c>, the alpha 1 that <c>a.add(b)</c> and <c>a + b</c>
/// pass) can be finalized by a garbage collection on another thread while libtorch still uses it: a use-after-free
/// (wrong values, or SIGSEGV in a test host). So every intermediate tensor is held until its op returns, either
/// by running the function's torch work in <c>using var scope = torch.NewDisposeScope()</c> (which references every
/// tensor created in it; results leave with <c>MoveToOuterDisposeScope()</c>) or by a <c>using var</c> per
/// intermediate; and numbers reach ops as Scalars held through the call: <c>using var n = x.ToScalar()</c>, or
/// one of these for constants (a DisposeScope does not hold Scalars). See also <see cref="IParameterOptimizer"/>.
/// </para>
/// </summary>
public static class HeldScalars
{
    public static readonly Scalar Zero = 0.0.ToScalar();

    public static readonly Scalar One = 1.0.ToScalar();
}
