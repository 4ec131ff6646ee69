namespace FusionCluster.Core.Sweeps;

public enum ObjectiveDirection
{
    Maximize,
    Minimize,
}
