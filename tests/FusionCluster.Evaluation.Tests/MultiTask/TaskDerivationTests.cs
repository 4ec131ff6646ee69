using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.Tests.MultiTask;

public sealed class TaskDerivationTests
{
    private static readonly ImageDataset Two3x3 = new(1, 1, 1, 3, 3, 10,
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90], [4, 7]);

    [Fact]
    public void Rotating_90_degrees_turns_each_image_clockwise()
    {
        var rotated = TaskDerivation.Rotate90(Two3x3);

        // 1 2 3      7 4 1
        // 4 5 6  ->  8 5 2
        // 7 8 9      9 6 3
        Assert.Equal(new byte[] { 7, 4, 1, 8, 5, 2, 9, 6, 3 }, rotated.Image(0).ToArray());
        Assert.Equal(new byte[] { 70, 40, 10, 80, 50, 20, 90, 60, 30 }, rotated.Image(1).ToArray());
        Assert.Equal(Two3x3.Labels.ToArray(), rotated.Labels.ToArray());
        Assert.Equal((1, 1), (rotated.TrainCount, rotated.HeldOutCount));
    }

    [Fact]
    public void Inverting_maps_each_pixel_to_255_minus_it()
    {
        var inverted = TaskDerivation.Invert(Two3x3);

        Assert.Equal(new byte[] { 254, 253, 252, 251, 250, 249, 248, 247, 246 }, inverted.Image(0).ToArray());
    }

    [Fact]
    public void Permuting_moves_the_same_pixels_to_the_same_places_in_every_image()
    {
        var permuted = TaskDerivation.Permute(Two3x3, seed: 5);

        var first = permuted.Image(0).ToArray();
        var second = permuted.Image(1).ToArray();
        Assert.Equal(Two3x3.Image(0).ToArray().Order(), first.Order());
        Assert.NotEqual(Two3x3.Image(0).ToArray(), first);
        // The second image is the first times ten, so one permutation for both keeps that.
        Assert.Equal(first.Select(p => (byte)(p * 10)), second);
        Assert.Equal(first, TaskDerivation.Permute(Two3x3, seed: 5).Image(0).ToArray());
    }

    [Fact]
    public void Sampling_draws_the_asked_counts_from_each_split()
    {
        var sampled = TaskDerivation.Sample(Two3x3, train: 1, heldOut: 1, seed: 9);

        Assert.Equal(Two3x3.Image(0).ToArray(), sampled.Image(0).ToArray());
        Assert.Equal(Two3x3.Image(1).ToArray(), sampled.Image(1).ToArray());
        Assert.Throws<ArgumentException>(() => TaskDerivation.Sample(Two3x3, train: 2, heldOut: 0, seed: 9));
    }
}
