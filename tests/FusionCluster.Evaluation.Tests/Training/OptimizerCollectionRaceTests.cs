using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.Training;

/// <summary>
/// TorchSharp 0.107's own Adam fails this (about one 200-step run in twelve threw a libtorch Scalar overflow when it was
/// written): a collection on another thread freed a temporary Scalar that libtorch was still reading.
/// </summary>
public sealed class OptimizerCollectionRaceTests
{
    [Fact]
    public void Training_while_another_thread_forces_collections_never_reads_a_freed_scalar()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            for (var run = 0; run < 150; run++)
            {
                cancellation.ThrowIfCancellationRequested();
                // Nothing in this loop but the optimizers converts a number to a Scalar.
                using var parameter = ones(32, 32).requires_grad_(true);
                using IParameterOptimizer optimizer = run % 2 == 0 ? new AdamOptimizer([parameter], 1e-3) : new MomentumSgdOptimizer([parameter], 1e-3, 0.9);
                for (var step = 0; step < 200; step++)
                {
                    using var scope = NewDisposeScope();
                    optimizer.ZeroGrad();
                    (parameter * parameter).sum().backward();
                    optimizer.Step();
                }

                var values = parameter.data<float>().ToArray();
                Assert.All(values, v => Assert.Equal(values[0], v));
                Assert.InRange(values[0], 0f, 0.9f);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
