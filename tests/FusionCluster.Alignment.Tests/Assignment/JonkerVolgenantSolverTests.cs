using FusionCluster.Alignment.Assignment;

namespace FusionCluster.Alignment.Tests.Assignment;

public sealed class JonkerVolgenantSolverTests
{
    private readonly JonkerVolgenantSolver solver = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Finds_the_brute_force_optimum_on_small_matrices(int n)
    {
        var random = new Random(1000 + n);
        for (var trial = 0; trial < 40; trial++)
        {
            // Small integers make ties common, which is where shortcuts in the algorithm go wrong.
            var similarity = RandomMatrix(random, n, integers: trial % 2 == 0);
            var found = solver.Solve(similarity, n);

            AssertPermutation(found, n);
            Assert.Equal(BruteForceOptimum(similarity, n), AssignmentObjective.Of(similarity, n, found), 9);
        }
    }

    [Theory]
    [InlineData(40)]
    [InlineData(200)]
    [InlineData(600)]
    public void Matches_OR_Tools_objective_on_random_matrices(int n)
    {
        var random = new Random(n);
        for (var trial = 0; trial < 3; trial++)
        {
            // Integer similarities are represented exactly by both solvers, so the optima must be equal.
            var similarity = RandomMatrix(random, n, integers: trial != 2);
            var found = solver.Solve(similarity, n);
            var reference = new OrToolsAssignmentSolver().Solve(similarity, n);

            AssertPermutation(found, n);
            var expected = AssignmentObjective.Of(similarity, n, reference);
            var tolerance = trial != 2 ? 0 : n * Math.Pow(2, -30);
            Assert.InRange(AssignmentObjective.Of(similarity, n, found), expected - tolerance, expected + tolerance + 1e-6);
        }
    }

    [Fact]
    public void Augmentation_alone_matches_OR_Tools()
    {
        // Without row reduction most rows are left to the shortest-path phase, and each augmentation
        // depends on the column prices the ones before it left.
        var random = new Random(3);
        foreach (var n in new[] { 10, 30, 100, 300 })
        {
            for (var trial = 0; trial < 5; trial++)
            {
                var similarity = RandomMatrix(random, n, integers: true);

                var found = new JonkerVolgenantSolver(rowReductionPasses: 0).Solve(similarity, n);

                AssertPermutation(found, n);
                var reference = new OrToolsAssignmentSolver().Solve(similarity, n);
                Assert.Equal(AssignmentObjective.Of(similarity, n, reference), AssignmentObjective.Of(similarity, n, found));
            }
        }
    }

    [Fact]
    public void Recovers_a_planted_permutation()
    {
        const int n = 300;
        var random = new Random(7);
        var planted = Enumerable.Range(0, n).ToArray();
        random.Shuffle(planted);
        var similarity = RandomMatrix(random, n, integers: false);
        for (var row = 0; row < n; row++)
        {
            similarity[(row * n) + planted[row]] += 10;
        }

        Assert.Equal(planted, solver.Solve(similarity, n));
    }

    [Fact]
    public void Gives_the_same_matching_for_equal_inputs_even_when_all_are_tied()
    {
        const int n = 64;
        var similarity = new float[n * n];
        Array.Fill(similarity, 1f);

        var first = solver.Solve(similarity, n);
        var second = solver.Solve((float[])similarity.Clone(), n);

        AssertPermutation(first, n);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Rejects_a_matrix_of_the_wrong_size_or_with_NaN()
    {
        Assert.Throws<ArgumentException>(() => solver.Solve(new float[5], 2));
        Assert.Throws<ArgumentException>(() => solver.Solve(new[] { 1f, float.NaN, 0f, 1f }, 2));
    }

    internal static float[] RandomMatrix(Random random, int n, bool integers)
    {
        var similarity = new float[n * n];
        for (var i = 0; i < similarity.Length; i++)
        {
            similarity[i] = integers ? random.Next(-5, 6) : (float)((random.NextDouble() * 2) - 1);
        }

        return similarity;
    }

    internal static void AssertPermutation(int[] rowToColumn, int n)
    {
        Assert.Equal(n, rowToColumn.Length);
        Assert.Equal(Enumerable.Range(0, n), rowToColumn.Order());
    }

    private static double BruteForceOptimum(float[] similarity, int n)
    {
        var best = double.NegativeInfinity;
        var columns = Enumerable.Range(0, n).ToArray();
        Permute(0);
        return best;

        void Permute(int depth)
        {
            if (depth == n)
            {
                best = Math.Max(best, AssignmentObjective.Of(similarity, n, columns));
                return;
            }

            for (var i = depth; i < n; i++)
            {
                (columns[depth], columns[i]) = (columns[i], columns[depth]);
                Permute(depth + 1);
                (columns[depth], columns[i]) = (columns[i], columns[depth]);
            }
        }
    }
}
