namespace FusionCluster.Dashboard.Sweeps;

/// <summary>How a <see cref="DeltaVerdict"/> reads in comparison tables (runs of a sweep, two jobs): a class for its colour and a word, never colour alone.</summary>
public static class DeltaStyle
{
    public static string Css(DeltaVerdict verdict) => verdict switch
    {
        DeltaVerdict.Better => "delta-better",
        DeltaVerdict.Worse => "delta-worse",
        DeltaVerdict.Changed => "delta-changed",
        _ => "delta-none",
    };

    public static string Word(DeltaVerdict verdict) => verdict switch
    {
        DeltaVerdict.Better => " better",
        DeltaVerdict.Worse => " worse",
        _ => "",
    };
}
