using static FusionCluster.Core.Tests.Methods.MethodHarness;

namespace FusionCluster.Core.Tests.Methods;

public sealed class WudiMethodTests
{
    private const int Rows = 6;
    private const int Cols = 5;

    private static (float[] Base, TestModel[] Models, double[][] Tasks) Case()
    {
        var b = Random(Rows * Cols, 1);
        var tasks = Enumerable.Range(0, 3).Select(i => Random(Rows * Cols, 10 + i).Select(x => (double)x).ToArray()).ToArray();
        return (b, tasks.Select(t => new TestModel(SpectralCases.Plus(b, t))).ToArray(), tasks);
    }

    /// <summary>The paper's objective, written out: Σ_i ‖(τ - τ_i)·τ_iᵀ‖²_F / ‖τ_i‖²_F.</summary>
    private static double Loss(double[] tau, double[][] tasks)
    {
        double loss = 0;
        foreach (var t in tasks)
        {
            var norm = t.Sum(x => x * x);
            for (var r = 0; r < Rows; r++)
            {
                for (var q = 0; q < Rows; q++)
                {
                    double p = 0;
                    for (var c = 0; c < Cols; c++)
                    {
                        p += (tau[r * Cols + c] - t[r * Cols + c]) * t[q * Cols + c];
                    }
                    loss += p * p / norm;
                }
            }
        }
        return loss;
    }

    private static double[] Merged(float[] b, TestModel[] models, int iterations, double lr) =>
        Run("wudi", b, models, new() { ["iter_num"] = iterations, ["lr"] = lr }, shape: [Rows, Cols])
            .Select((x, i) => (double)x - b[i]).ToArray();

    [Fact]
    public void Wudi_starts_from_the_sum_of_the_task_vectors()
    {
        var (b, models, tasks) = Case();
        var sum = Enumerable.Range(0, Rows * Cols).Select(k => tasks.Sum(t => t[k])).ToArray();
        Close(sum.Select(x => (float)x).ToArray(), Merged(b, models, 0, 1e-2).Select(x => (float)x).ToArray(), 1e-5);
    }

    [Fact]
    public void Wudi_loss_decreases_with_its_iterations()
    {
        var (b, models, tasks) = Case();
        var l0 = Loss(Merged(b, models, 0, 1e-2), tasks);
        var l10 = Loss(Merged(b, models, 10, 1e-2), tasks);
        var l100 = Loss(Merged(b, models, 100, 1e-2), tasks);
        Assert.True(l10 < l0, $"10 steps: {l10} not below {l0}");
        Assert.True(l100 < 0.9 * l10, $"100 steps: {l100} not well below {l10}");
    }

    [Fact]
    public void Wudi_first_adam_step_moves_every_element_by_lr_against_the_gradients_sign()
    {
        // Adam's first step is lr·g/|g|. The gradient of the loss at τ = Σ τ_i, written out:
        // 2·Σ_i (τ - τ_i)·τ_iᵀ·τ_i / ‖τ_i‖².
        var (b, models, tasks) = Case();
        var tau = Enumerable.Range(0, Rows * Cols).Select(k => tasks.Sum(t => t[k])).ToArray();
        var gradient = new double[Rows * Cols];
        foreach (var t in tasks)
        {
            var norm = t.Sum(x => x * x);
            for (var r = 0; r < Rows; r++)
            {
                for (var c = 0; c < Cols; c++)
                {
                    double g = 0;
                    for (var q = 0; q < Rows; q++)
                    {
                        double p = 0;
                        for (var j = 0; j < Cols; j++)
                        {
                            p += (tau[r * Cols + j] - t[r * Cols + j]) * t[q * Cols + j];
                        }
                        g += p * t[q * Cols + c];
                    }
                    gradient[r * Cols + c] += 2 * g / norm;
                }
            }
        }
        var expected = tau.Select((x, k) => (float)(x - 1e-3 * Math.Sign(gradient[k]))).ToArray();
        Close(expected, Merged(b, models, 1, 1e-3).Select(x => (float)x).ToArray(), 2e-5);
    }

    [Fact]
    public void Wudi_of_one_task_stays_at_that_task_vector()
    {
        // τ = τ_1 is the optimum (zero interference). Adam then only dithers at the scale of its learning rate on
        // the last bits of the closed-form gradient; a wrong gradient would walk 300 steps of 1e-5 = 3e-3 away.
        var (b, models, _) = Case();
        Close(models[0].Values, Run("wudi", b, [models[0]], shape: [Rows, Cols]), 1e-4);
    }

    [Fact]
    public void Wudi_takes_the_mean_task_vector_of_a_1d_tensor()
    {
        Close([2f, 4f], Run("wudi", [1, 2], [new([3, 2]), new([1, 6])]));
    }

    [Fact]
    public void Wudi_defaults_are_the_papers()
    {
        var wudi = Core.Methods.MergeMethodRegistry.Get("wudi");
        Assert.Equal(300, wudi.Parameters.Single(p => p.Name == "iter_num").Default);
        Assert.Equal(1e-5, wudi.Parameters.Single(p => p.Name == "lr").Default);
    }
}
