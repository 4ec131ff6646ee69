using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A sweep edited in place on an in-process silo: the edit is validated like a new sweep, recorded with who
/// made it and what changed, and a run going at the time finishes with the definition it started with.
/// </summary>
public sealed class SweepEditTests : IDisposable
{
    private const string TwoPoints = """
        name: edited
        template:
          merge_method: linear
          models:
            - model: base
              parameters: {weight: 0.5}
            - model: ft-1
              parameters: {weight: 0.5}
        space:
          grid:
            models[1].parameters.weight: [0.25, 0.75]
        max_concurrent: 1
        evaluator:
          tensors: {compare: [ft-1], base: base}
        objective: {metric: cosine/ft-1, direction: maximize}
        out: sweep-out
        """;

    private static readonly string ThreePoints = TwoPoints
        .Replace("[0.25, 0.75]", "[0.25, 0.5, 0.75]", StringComparison.Ordinal)
        .Replace("max_concurrent: 1", "max_concurrent: 2", StringComparison.Ordinal);

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task An_edit_is_recorded_and_applies_to_the_next_run_while_the_run_going_keeps_its_definition()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);
        var sweep = cluster.Client.GetGrain<ISweepGrain>("edited");
        Assert.Null((await sweep.Create(Definition(TwoPoints))).Error);

        // Paused with one merge at a time, run 1 cannot finish before the edit lands.
        Assert.True((await sweep.Run()).Started);
        await sweep.Pause();
        var edited = await sweep.Edit(Definition(ThreePoints));

        Assert.Null(edited.Error);
        Assert.Equal(3, edited.Points);
        Assert.Equal(ThreePoints, edited.SpecText);
        var revision = Assert.Single(edited.Revisions);
        Assert.Equal(["space", "max_concurrent"], revision.Changed);
        Assert.Equal((2, 3, 1, "olga"), (revision.PointsBefore, revision.PointsAfter, revision.RunKeptOld, revision.By));

        await sweep.Resume();
        await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.ActiveRun == 0, cancellation);
        var first = (await sweep.GetRun(1))!;
        Assert.Equal(SweepRunState.Succeeded, first.Summary.State);
        Assert.Equal(2, first.Candidates.Count);

        Assert.True((await sweep.Run()).Started);
        var done = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.Runs.Count == 2 && s.ActiveRun == 0, cancellation);
        Assert.Equal(SweepRunState.Succeeded, done.Runs[0].State);
        Assert.Equal(3, done.Runs[0].Candidates);

        // The two points both definitions share are the same merges: reused, not merged again.
        Assert.Equal(2, done.Runs[0].Cached);
    }

    [Fact]
    public async Task An_invalid_edit_names_the_key_and_changes_nothing()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);
        var sweep = cluster.Client.GetGrain<ISweepGrain>("edited");
        Assert.Null((await sweep.Create(Definition(TwoPoints))).Error);

        var refused = await sweep.Edit(Definition(TwoPoints.Replace("max_concurrent: 1", "max_concurent: 1", StringComparison.Ordinal)));

        Assert.Contains("max_concurent", refused.Error, StringComparison.Ordinal);
        var status = await sweep.GetStatus();
        Assert.Equal(TwoPoints, status.SpecText);
        Assert.Equal(2, status.Points);
        Assert.Empty(status.Revisions);

        // The same text again is no edit.
        Assert.Empty((await sweep.Edit(Definition(TwoPoints))).Revisions);
    }

    private SweepDefinition Definition(string text) => new() { SpecText = text, SpecDirectory = models.Folder, SubmittedBy = "olga" };
}
