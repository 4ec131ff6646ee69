using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>One attempt of one unit on the job timeline: its row, and its start and end in seconds since the job was submitted.</summary>
/// <param name="Outcome">How it ended; <see cref="UnitAttemptOutcome.Running"/> while it runs (its end is then the present).</param>
public sealed record TimelineBar(int Unit, string UnitName, int Attempt, string Silo, int Row, double Start, double End, UnitAttemptOutcome Outcome, string? Reason);
