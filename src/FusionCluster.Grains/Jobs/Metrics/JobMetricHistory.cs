using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Metrics;

/// <summary>
/// The progress samples a job keeps in its state: at most <see cref="Capacity"/>, covering the whole job. When
/// full, every other sample goes (the first and the newest stay) and the spacing between kept samples doubles,
/// so a job of hours keeps its whole curve at a coarser step, in bounded state. A sample closer than the
/// spacing to the one before the newest replaces the newest, so the last point always shows the present.
/// </summary>
public sealed class JobMetricHistory(List<JobMetricSample> samples, TimeSpan spacing, int capacity = JobMetricHistory.Capacity)
{
    public const int Capacity = 600;

    public TimeSpan Spacing { get; private set; } = spacing;

    public IReadOnlyList<JobMetricSample> Samples => samples;

    public void Add(JobMetricSample sample)
    {
        if (samples.Count >= 2 && sample.ElapsedSeconds - samples[^2].ElapsedSeconds < Spacing.TotalSeconds)
        {
            samples[^1] = sample;
            return;
        }

        samples.Add(sample);
        if (samples.Count > capacity)
        {
            Thin();
        }
    }

    private void Thin()
    {
        var last = samples.Count - 1;
        var kept = samples.Where((_, i) => i % 2 == 0 || i == last).ToList();
        samples.Clear();
        samples.AddRange(kept);
        Spacing *= 2;
    }
}
