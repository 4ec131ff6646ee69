using System.Globalization;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using FusionCluster.Dashboard.Formatting;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// Two jobs side by side: their facts (state, method, size, duration, throughput, retries) with the change from the
/// first to the second judged as the run comparison judges metrics (<see cref="RunComparison.Judge"/>: shorter,
/// faster and fewer retries are better; a changed method or size is only a change), and their specs line by line
/// with the changed lines marked (DiffPlex's side-by-side diff).
/// </summary>
public sealed class JobComparison
{
    public JobComparison(JobStatus first, JobStatus second)
    {
        (First, Second) = (first, second);
        Facts =
        [
            Text("State", first.State.ToString(), second.State.ToString()),
            Text("Spec", first.SpecName, second.SpecName),
            Text("Method", first.Method, second.Method),
            Text("Device", Or(first.Device, "-"), Or(second.Device, "-")),
            Text("Submitted", Display.Time(first.SubmittedAt), Display.Time(second.SubmittedAt), judged: false),
            Number("Duration", first.ElapsedSeconds, second.ElapsedSeconds, Display.Duration, d => Signed(d, "0.0") + " s", higherIsBetter: false),
            Number("Units", first.UnitsTotal, second.UnitsTotal, v => Whole(v), d => Signed(d, "0"), higherIsBetter: null),
            Number("Units done", first.UnitsDone, second.UnitsDone, v => Whole(v), d => Signed(d, "0"), higherIsBetter: null),
            Number("Retries", first.Retries, second.Retries, v => Whole(v), d => Signed(d, "0"), higherIsBetter: false),
            Number("Input", first.BytesTotal, second.BytesTotal, v => Display.Bytes((long)v), d => Sign(d) + Display.Bytes((long)Math.Abs(d)), higherIsBetter: null),
            Number("Output", first.BytesOutput, second.BytesOutput, v => Display.Bytes((long)v), d => Sign(d) + Display.Bytes((long)Math.Abs(d)), higherIsBetter: null),
            Number("Throughput (average)", Throughput(first), Throughput(second), v => Display.Rate(v), d => Sign(d) + Display.Rate(Math.Abs(d)), higherIsBetter: true),
            Text("Silos", Silos(first), Silos(second)),
        ];
        SpecLines = Lines(first.SpecText, second.SpecText);
    }

    public JobStatus First { get; }

    public JobStatus Second { get; }

    public IReadOnlyList<ComparedFact> Facts { get; }

    /// <summary>Both specs aligned line by line; empty when neither job kept its spec.</summary>
    public IReadOnlyList<SpecLinePair> SpecLines { get; }

    public int ChangedSpecLines => SpecLines.Count(l => l.Change != SpecLineChange.Same);

    /// <summary>Input bytes read per second over the job's run; null before it has run.</summary>
    public static double? Throughput(JobStatus job) => job.ElapsedSeconds > 0 ? job.BytesDone / job.ElapsedSeconds : null;

    private static IReadOnlyList<SpecLinePair> Lines(string first, string second)
    {
        if (first.Length == 0 && second.Length == 0)
        {
            return [];
        }

        // Whitespace counts: in YAML, indentation is structure.
        var diff = SideBySideDiffBuilder.Diff(first, second, ignoreWhiteSpace: false);
        return [.. diff.OldText.Lines.Zip(diff.NewText.Lines, (a, b) =>
        {
            var change = (a.Type, b.Type) switch
            {
                (ChangeType.Unchanged, _) => SpecLineChange.Same,
                (ChangeType.Deleted, ChangeType.Imaginary) => SpecLineChange.Removed,
                (ChangeType.Imaginary, ChangeType.Inserted) => SpecLineChange.Added,
                _ => SpecLineChange.Changed,
            };
            return new SpecLinePair(
                a.Type == ChangeType.Imaginary ? null : a.Position,
                a.Type == ChangeType.Imaginary ? null : a.Text,
                b.Type == ChangeType.Imaginary ? null : b.Position,
                b.Type == ChangeType.Imaginary ? null : b.Text,
                change);
        })];
    }

    private static ComparedFact Text(string name, string first, string second, bool judged = true) =>
        new(name, first, second, null, !judged ? DeltaVerdict.None : string.Equals(first, second, StringComparison.Ordinal) ? DeltaVerdict.Same : DeltaVerdict.Changed);

    private static ComparedFact Number(string name, double? first, double? second, Func<double, string> text, Func<double, string> delta, bool? higherIsBetter)
    {
        var verdict = RunComparison.Judge(first, second, higherIsBetter);
        var change = RunComparison.Delta(first, second);
        return new ComparedFact(
            name,
            first is { } a ? text(a) : "-",
            second is { } b ? text(b) : "-",
            change is { } d && verdict is not DeltaVerdict.Same and not DeltaVerdict.None ? delta(d) : null,
            verdict);
    }

    private static string Silos(JobStatus job) => job.Silos.Count == 0 ? "-" : string.Join(", ", job.Silos.Select(s => s.Silo));

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    private static string Whole(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    private static string Sign(double delta) => delta > 0 ? "+" : delta < 0 ? "−" : "±";

    private static string Signed(double delta, string format) => Sign(delta) + Math.Abs(delta).ToString(format, CultureInfo.InvariantCulture);
}
