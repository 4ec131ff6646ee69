namespace FusionCluster.Alignment.Zipping;

/// <summary>ZipIt!'s knobs (Stoica et al. 2023), with the paper's defaults.</summary>
/// <param name="Alpha">After every merge, the merged feature's similarities are multiplied by this, so it is less likely to absorb more features (0: it absorbs none).</param>
/// <param name="Beta">Share of the merges (per model, of half the features removed) that may pair two features of the same model.</param>
public sealed record ZipItOptions(double Alpha = 0.3, double Beta = 0.125)
{
    public void Validate()
    {
        if (!(Alpha >= 0 && Alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "must be in [0, 1]");
        }

        if (!(Beta >= 0 && Beta <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "must be in [0, 1]");
        }
    }
}
