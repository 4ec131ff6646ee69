namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>
/// A unit taken back from its silo. <paramref name="Fatal"/> is set when the unit has now been lost more
/// than <see cref="JobOptions.MaxLosses"/> times: the job must fail with that message.
/// </summary>
public sealed record UnitRequeue(int Unit, string? Silo, string Reason, string? Fatal);
