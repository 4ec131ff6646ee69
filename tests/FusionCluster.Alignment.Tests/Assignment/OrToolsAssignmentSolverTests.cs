using FusionCluster.Alignment.Assignment;

namespace FusionCluster.Alignment.Tests.Assignment;

public sealed class OrToolsAssignmentSolverTests
{
    [Fact]
    public void Maximises_similarity_on_a_hand_computed_matrix()
    {
        // Rows prefer columns 1, 2, 0: 5 + 6 + 7 = 18 beats every other matching (the identity gives 3).
        float[] similarity =
        [
            1, 5, 0,
            0, 1, 6,
            7, 0, 1,
        ];

        Assert.Equal([1, 2, 0], new OrToolsAssignmentSolver().Solve(similarity, 3));
        Assert.Equal([1, 2, 0], new JonkerVolgenantSolver().Solve(similarity, 3));
    }
}
