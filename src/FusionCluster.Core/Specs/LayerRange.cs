namespace FusionCluster.Core.Specs;

/// <summary>Layers [Start, End) of a model.</summary>
public readonly record struct LayerRange(int Start, int End)
{
    public int Count => End - Start;
}
