namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>Running totals of one silo's finished units within a job.</summary>
public sealed class SiloTally
{
    public int UnitsDone { get; set; }

    public long Bytes { get; set; }

    public double Seconds { get; set; }
}
