namespace FusionCluster.Grains.Abstractions;

public enum JobEventKind
{
    StateChanged,
    UnitStarted,
    UnitFinished,
    UnitFailed,
    UnitRequeued,
}
